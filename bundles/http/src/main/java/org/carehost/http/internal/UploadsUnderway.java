package org.carehost.http.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

/**
 * The upload locations an upload request is installing right now, and on which thread: a bundle of such a location
 * uninstalled on that very thread is the request's own rollback (a refused batch, or an upload the store could not
 * keep), not an operator's uninstall ({@link UploadRestore} writes no tombstone for it: a refused upload changes
 * nothing, also in the store). An uninstall on any other thread meanwhile is an operator's.
 */
@Component(service = UploadsUnderway.class)
public final class UploadsUnderway {

    private final Map<String, Thread> underway = new ConcurrentHashMap<>();

    /** The current thread installs these locations (until {@link #end}). */
    void begin(Collection<String> locations) {
        locations.forEach(location -> underway.put(location, Thread.currentThread()));
    }

    void end(Collection<String> locations) {
        locations.forEach(location -> underway.remove(location, Thread.currentThread()));
    }

    /** Whether the current thread is an upload request installing this location. */
    boolean onThisThread(String location) {
        return underway.get(location) == Thread.currentThread();
    }
}
