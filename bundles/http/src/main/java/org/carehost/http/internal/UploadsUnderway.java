package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

/**
 * The upload locations being installed right now by an upload request or a restore from the store, and what became of
 * their uninstalls meanwhile. Whether such an uninstall was the installer's own rollback is decided from the
 * installer's outcome, not from the thread the uninstall ran on: the plugin manager uninstalls a refused batch's
 * bundles on a lifecycle thread of its own ({@code carehost-lifecycle-<bsn>}), so the thread never told (tryout 16,
 * item 6: a refused upload, rolled back correctly, then logged a false warning that the plugin would come back).
 * <p>
 * An uninstall of a location underway is held ({@link #uninstalled}) until every installer of that location has ended
 * ({@link #end}): when one of them undid its install (a refused batch, an upload the store could not keep, a refused
 * restore), the uninstall was that rollback's and changes nothing in the store; when all of them kept their install,
 * it was an operator's uninstall meanwhile, handed to {@link Settled} as an uninstall of an upload. Two requests
 * installing the same location at once (a double click) are both counted.
 */
@Component(service = UploadsUnderway.class)
public final class UploadsUnderway {

    /** Told of a held uninstall once its location's installers have all ended (outside this class's lock). */
    interface Settled {
        /** {@code rollback}: an installer undid its install, so the uninstall was its own. */
        void settled(String location, String symbolicName, long bundleId, boolean rollback);
    }

    private record Uninstall(String location, String symbolicName, long bundleId) {
    }

    private static final class Installers {
        int count;
        boolean undone;
        final List<Uninstall> uninstalls = new ArrayList<>();
    }

    /** Guarded by this. */
    private final Map<String, Installers> underway = new HashMap<>();
    private volatile Settled settled;

    /** Who is told of the held uninstalls (null: nobody; they are dropped). */
    void settledBy(Settled listener) {
        this.settled = listener;
    }

    /** An installer begins installing these locations (until {@link #end}). */
    synchronized void begin(Collection<String> locations) {
        locations.forEach(location -> underway.computeIfAbsent(location, key -> new Installers()).count++);
    }

    /**
     * The installer that began these locations has ended; {@code undone}: it uninstalled what it installed (its install
     * was refused or not kept), so the uninstalls of these locations meanwhile were its own.
     */
    void end(Collection<String> locations, boolean undone) {
        List<Uninstall> decided = new ArrayList<>();
        List<Boolean> rollbacks = new ArrayList<>();
        synchronized (this) {
            for (String location : locations) {
                Installers installers = underway.get(location);
                if (installers == null) {
                    continue;
                }
                installers.undone |= undone;
                if (--installers.count <= 0) {
                    underway.remove(location);
                    for (Uninstall uninstall : installers.uninstalls) {
                        decided.add(uninstall);
                        rollbacks.add(installers.undone);
                    }
                }
            }
        }
        Settled listener = settled;
        if (listener != null) {
            for (int i = 0; i < decided.size(); i++) {
                Uninstall uninstall = decided.get(i);
                listener.settled(uninstall.location(), uninstall.symbolicName(), uninstall.bundleId(),
                        rollbacks.get(i));
            }
        }
    }

    /** Whether an installer is installing this location now. */
    synchronized boolean underway(String location) {
        return underway.containsKey(location);
    }

    /**
     * An uninstall of this location: held until its installers end when it is underway (returns true), else not
     * (false: not this class's to decide).
     */
    synchronized boolean uninstalled(String location, String symbolicName, long bundleId) {
        Installers installers = underway.get(location);
        if (installers == null) {
            return false;
        }
        installers.uninstalls.add(new Uninstall(location, symbolicName, bundleId));
        return true;
    }
}
