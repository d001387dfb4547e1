package org.carehost.plugins.internal.calls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginService;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Plugins' services across their updates: which plugins are being replaced, and holding calls to their services until
 * the new version offers them again. Decided from the framework's events and states, never from a timer:
 * <ul>
 * <li>A plugin whose stop is <em>transient</em> ({@code STOPPING} while it is still persistently started: an update
 * — {@code plugin:update}, the deploy folder's hot reload — or a refresh) is <em>changing</em> from then on. A plain
 * stop ({@code plugin:stop}, a quarantine) or an uninstall clears the persistent flag before {@code STOPPING}: those
 * are not handovers, and calls are refused as before.</li>
 * <li>Each service it unregisters while changing is remembered (key and properties, {@link ServiceSlot}) as
 * <em>awaited</em>; its registration again under the same key (by the new version, or by the old one if the update
 * failed and the framework restarted it) ends the wait for that key. The plugin stops changing once it is active with
 * nothing awaited, or when it is stopped for good or uninstalled.</li>
 * <li>A call to a changing plugin's service waits on this object's monitor (each of those events notifies it), at
 * most until its own deadline; at most {@value #MAX_HELD_PER_PLUGIN} calls wait per plugin. A call whose deadline
 * passes while the plugin is at rest (active without the service, or not active and not starting or stopping) ends
 * the wait for that key — the new version does not offer it — so later calls are not held for it again.</li>
 * <li>A service whose component was renamed in the new version is followed: once the new version is active (its
 * {@code STARTED}, after the service runtime registered its components), an awaited service that is the only one of
 * its identity awaited (object classes and identifying properties, {@link ServiceSlot#identity()}), while the new
 * version registered exactly one service of that identity under a key the old version did not have, is taken to be
 * that one; held calls run on it, and later calls made with the old key too, until the plugin's next change or until
 * a service registers under the old key again (a component that came up after {@code STARTED}: the real one). Anything
 * less certain (two candidates, none, different properties) is not guessed: the wait ends at the deadline as
 * before.</li>
 * </ul>
 * The registrations it has heard of, and the service objects the calls use, are {@link Registrations}.
 */
final class Handover implements AllServiceListener {

    /** Calls held per plugin while it is being updated; each holds its caller's thread. */
    static final int MAX_HELD_PER_PLUGIN = 512;

    /** One changing plugin: the keys of the services it is expected to register again, and the calls held. */
    private static final class Changing {
        final Map<String, ServiceSlot<?>> awaited = new HashMap<>();
        /** Every key the old version unregistered in this change: a new key is one not among them. */
        final Set<String> oldKeys = new HashSet<>();
        int held;
    }

    private final BundleContext context;
    private final int maxHeld;
    /** Guarded by {@code this} for changes; read without it on the calls' fast path. */
    private final Map<Long, Changing> changing = new ConcurrentHashMap<>();
    /** Services renamed in a plugin's update, followed until its next change. */
    private final Renames renamed = new Renames();
    /** Changed under this object's lock, with {@link #changing}: a registration moves to awaited in one step. */
    private final Registrations registered;
    private boolean closed;
    /** Bundle and service events heard (guarded by {@code this}), for {@link #awaitEvent}. */
    private long events;

    /** Whether an awaited service may still be registered ({@link ComponentOutlook}), asked outside this lock. */
    private final RegistrationOutlook mayRegister;

    Handover(BundleContext context, RegistrationOutlook mayRegister) {
        this(context, MAX_HELD_PER_PLUGIN, mayRegister);
    }

    /** With another bound on the calls held per plugin (unit tests). */
    Handover(BundleContext context, int maxHeld, RegistrationOutlook mayRegister) {
        this.context = context;
        this.maxHeld = maxHeld;
        this.mayRegister = mayRegister;
        this.registered = new Registrations(context);
    }

    /** How many events this listener has heard: read before looking at a state that {@link #awaitEvent} waits out. */
    synchronized long events() {
        return events;
    }

    /**
     * Waits until an event after the {@code seen}-th, at most until {@code untilNanos}: a call that found a plugin
     * between two of its states (its drain's mark still set, no update recorded yet) looks again after the next one.
     */
    synchronized void awaitEvent(long seen, long untilNanos) throws InterruptedException {
        long left;
        while (events == seen && !closed && (left = untilNanos - System.nanoTime()) > 0) {
            wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
    }

    /** How many calls wait for the plugin's new version now. */
    synchronized int held(Bundle plugin) {
        Changing now = changing.get(plugin.getBundleId());
        return now == null ? 0 : now.held;
    }

    /** Whether the plugin is being replaced and the service under {@code key} is expected from its new version. */
    synchronized boolean awaits(Bundle plugin, String key) {
        Changing now = changing.get(plugin.getBundleId());
        return now != null && now.awaited.containsKey(key);
    }

    /** Starts listening, then takes in the registrations there already are. */
    void open() {
        context.addServiceListener(this);
        synchronized (this) {
            registered.takeInAll();
        }
    }

    /** Whether the plugin is being replaced and calls to its services wait for the new version. */
    boolean changing(Bundle plugin) {
        return changing.containsKey(plugin.getBundleId()) || stoppingTransiently(plugin);
    }

    /**
     * In a transient stop now, whether or not its {@code STOPPING} has reached this listener yet (the service runtime,
     * another listener, may be taking its services down first).
     */
    private static boolean stoppingTransiently(Bundle plugin) {
        return plugin.getState() == Bundle.STOPPING && transientStop(plugin);
    }

    /** Called by the (synchronous) bundle listener before the drain. */
    synchronized void bundleChanged(BundleEvent event) {
        mayRegister.bundleChanged(event);
        Bundle bundle = event.getBundle();
        long id = bundle.getBundleId();
        switch (event.getType()) {
            case BundleEvent.STOPPING -> {
                renamed.forget(id);
                if (transientStop(bundle)) {
                    changing.computeIfAbsent(id, any -> new Changing());
                } else {
                    changing.remove(id); // stopped for good: nothing new is coming
                }
            }
            case BundleEvent.STARTED -> {
                Changing now = changing.get(id);
                // the framework posts STARTED after letting go of the bundle: a refresh may be stopping it again
                if (now != null && bundle.getState() == Bundle.ACTIVE) {
                    renamed.follow(bundle, now.awaited, now.oldKeys);
                    if (now.awaited.isEmpty()) {
                        changing.remove(id);
                    }
                }
            }
            case BundleEvent.UNINSTALLED -> {
                changing.remove(id);
                renamed.forget(id);
            }
            default -> {
                return;
            }
        }
        events++;
        notifyAll();
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> reference = event.getServiceReference();
        if (event.getType() == ServiceEvent.UNREGISTERING) {
            registered.release(reference);
        }
        Bundle bundle = reference.getBundle();
        if (bundle == null || event.getType() == ServiceEvent.MODIFIED) {
            return; // a modified registration keeps its key; its properties are read from it
        }
        long id = bundle.getBundleId();
        boolean unregistering = event.getType() == ServiceEvent.UNREGISTERING;
        // the service runtime may take the services down before this bundle's listener hears STOPPING
        boolean awaited = unregistering && (changing.containsKey(id) || stoppingTransiently(bundle));
        synchronized (this) { // registered and awaited change in one step: a listing sees one or the other
            if (unregistering) {
                registered.remove(reference);
                if (awaited) {
                    Changing now = changing.computeIfAbsent(id, any -> new Changing());
                    now.awaited.putIfAbsent(ServiceSlot.keyOf(reference), ServiceSlot.awaited(reference, bundle));
                    now.oldKeys.add(ServiceSlot.keyOf(reference));
                }
            } else if (event.getType() == ServiceEvent.REGISTERED) {
                registered.add(reference, bundle);
                renamed.registered(id, ServiceSlot.keyOf(reference)); // the real one came up late: no longer followed
                Changing now = changing.get(id);
                if (now != null) {
                    now.awaited.remove(ServiceSlot.keyOf(reference));
                    if (now.awaited.isEmpty() && bundle.getState() == Bundle.ACTIVE) {
                        changing.remove(id);
                    }
                }
            }
            events++;
            notifyAll();
        }
    }

    /** The key a call made with {@code key} goes to now: the new name of a service renamed in the plugin's update. */
    String follow(Bundle plugin, String key) {
        return renamed.follow(plugin, key);
    }

    /** An update or refresh stops a plugin without clearing its persistent start; a plain stop or uninstall clears it. */
    static boolean transientStop(Bundle bundle) {
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        return level != null && level.isPersistentlyStarted();
    }

    /**
     * While the plugin is changing, waits until the service under the slot's key is registered again, then returns
     * that registration; returns null at once (or once the change is over some other way) when the plugin is not
     * changing: the caller then calls the live registration, if any.
     *
     * @throws PluginCallException REFUSED when too many calls wait already, when the deadline passed, or when the
     *         calls are shutting down
     */
    <S> ServiceReference<S> awaitNewVersion(ServiceSlot<S> service, long untilNanos, String kind, String what)
            throws PluginCallException {
        Bundle plugin = service.plugin();
        long id = plugin.getBundleId();
        if (!changing(plugin)) {
            return null;
        }
        String name = String.valueOf(plugin.getSymbolicName());
        Changing waitingOn;
        synchronized (this) {
            waitingOn = changing.get(id);
            if (waitingOn == null) {
                if (!stoppingTransiently(plugin)) {
                    return null;
                }
                waitingOn = new Changing(); // its STOPPING is on its way to this listener
                changing.put(id, waitingOn);
            }
            if (waitingOn.held >= maxHeld) {
                throw Refusals.tooManyHeld(name, what, maxHeld);
            }
            waitingOn.held++;
        }
        try {
            Boolean may = null; // the outlook's word, asked outside the lock once the deadline passed while active
            while (true) {
                ServiceSlot<?> ask = null;
                synchronized (this) {
                    while (ask == null) {
                        if (closed) {
                            throw Refusals.shuttingDown(name, what);
                        }
                        Changing now = changing.get(id);
                        if (now == null) {
                            return null;
                        }
                        boolean active = plugin.getState() == Bundle.ACTIVE;
                        if (active && !now.awaited.containsKey(service.key())) {
                            // again (perhaps under its new name), or (null) not offered any more
                            return Registrations.live(plugin, follow(plugin, service.key()));
                        }
                        long left = untilNanos - System.nanoTime();
                        if (left <= 0 && (!active || may != null)) {
                            throw waitedInVain(now, plugin, name, service.key(), kind, what, may != null && may);
                        } else if (left <= 0) {
                            ask = now.awaited.get(service.key());
                        } else {
                            wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                        }
                    }
                }
                may = mayRegister.mayRegister(plugin, ask); // the service runtime, not under this lock; then look again
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw Refusals.interruptedWaiting(name, what, interrupted);
        } finally {
            synchronized (this) {
                waitingOn.held--;
            }
        }
    }

    /**
     * The deadline passed: at rest without the service, the wait for that key ends here for every later call too.
     * Active is at rest only when the outlook ({@code may}, asked outside this lock) says the service will not come;
     * until then the other held calls wait on, each to its own deadline.
     */
    private PluginCallException waitedInVain(Changing now, Bundle plugin, String name, String key, String kind,
            String what, boolean may) {
        int state = plugin.getState();
        boolean atRest = state != Bundle.STARTING && state != Bundle.STOPPING;
        if (atRest && state == Bundle.ACTIVE && may) {
            return Refusals.notRegisteredYet(name, what, key, kind);
        }
        if (atRest && state == Bundle.ACTIVE) {
            now.awaited.remove(key);
            if (now.awaited.isEmpty()) {
                changing.remove(plugin.getBundleId());
            }
        } else if (atRest) {
            changing.remove(plugin.getBundleId());
        }
        notifyAll();
        return Refusals.notBack(name, what, key, kind, state == Bundle.ACTIVE);
    }

    /**
     * The registrations of {@code type} now, each one (two of one key are two services: a plugin's two notifiers
     * registered without Declarative Services, or one component's instances per configuration), and the awaited ones
     * of changing plugins whose key no registration has again yet.
     */
    @SuppressWarnings("unchecked")
    synchronized <S> List<PluginService<S>> services(Class<S> type) {
        List<PluginService<S>> services = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ServiceSlot<?> live : registered.of(type.getName())) {
            seen.add(live.plugin().getBundleId() + " " + live.key());
            services.add((PluginService<S>) live);
        }
        for (Changing plugin : changing.values()) {
            for (ServiceSlot<?> slot : plugin.awaited.values()) {
                if (slot.offers(type.getName()) && seen.add(slot.plugin().getBundleId() + " " + slot.key())) {
                    services.add((PluginService<S>) slot);
                }
            }
        }
        return services;
    }

    /** The service object for a call, got once per registration; null when it is gone. Runs plugin code. */
    <S> S object(ServiceReference<S> reference) {
        return registered.object(reference);
    }

    /** The service object a call already got for the registration, or null; runs no plugin code. */
    <S> S gotten(ServiceReference<S> reference) {
        return registered.gotten(reference);
    }

    /** The calls are going away: waiting calls are refused, the service objects released. */
    synchronized void close() {
        closed = true;
        notifyAll();
        registered.releaseAll();
    }
}
