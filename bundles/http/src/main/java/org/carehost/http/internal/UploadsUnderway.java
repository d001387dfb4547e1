package org.carehost.http.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

/**
 * The upload locations an upload request is installing right now, and on which thread: a bundle of such a location
 * uninstalled on that very thread is the request's own rollback (a refused batch, or an upload the store could not
 * keep), not an operator's uninstall ({@link UploadRestore} writes no tombstone for it: a refused upload changes
 * nothing, also in the store). An uninstall on any other thread meanwhile is an operator's. Two requests installing the
 * same location at once (a double click) are both registered: neither's rollback is taken for an operator's uninstall.
 */
@Component(service = UploadsUnderway.class)
public final class UploadsUnderway {

    private final Map<String, Set<Thread>> underway = new ConcurrentHashMap<>();

    /** The current thread installs these locations (until {@link #end}). */
    void begin(Collection<String> locations) {
        Thread current = Thread.currentThread();
        locations.forEach(location -> underway.compute(location, (key, threads) -> {
            Set<Thread> now = threads == null ? ConcurrentHashMap.newKeySet() : threads;
            now.add(current);
            return now;
        }));
    }

    void end(Collection<String> locations) {
        Thread current = Thread.currentThread();
        locations.forEach(location -> underway.computeIfPresent(location, (key, threads) -> {
            threads.remove(current);
            return threads.isEmpty() ? null : threads;
        }));
    }

    /** Whether the current thread is an upload request installing this location. */
    boolean onThisThread(String location) {
        Set<Thread> threads = underway.get(location);
        return threads != null && threads.contains(Thread.currentThread());
    }
}
