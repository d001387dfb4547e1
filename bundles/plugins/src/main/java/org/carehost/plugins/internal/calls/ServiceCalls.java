package org.carehost.plugins.internal.calls;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCallException.Reason;
import org.carehost.plugins.PluginCalls.ServiceWork;
import org.carehost.plugins.PluginService;
import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Calls to a plugin's service ({@link org.carehost.plugins.PluginCalls#call(PluginService, String, String,
 * ServiceWork)}): each looks for the registration to call from the state ({@link Handover}: held while the plugin is
 * being replaced, the live registration otherwise) and runs the work through {@link PluginCallsImpl}'s call path on
 * the registration's service object (got inside the call's pool task the first time, {@link FirstCall}: getting it runs plugin code); an update's stop that begins between the look and the call, or a registration
 * taken down between the look and the object, sends the call to look again, at most until its deadline.
 */
final class ServiceCalls {

    private final PluginCallsImpl calls;
    private final Handover handover;
    private final PluginLimits limits;

    ServiceCalls(PluginCallsImpl calls, Handover handover, PluginLimits limits) {
        this.calls = calls;
        this.handover = handover;
        this.limits = limits;
    }

    /** {@link PluginCallsImpl#call(PluginService, String, String, ServiceWork)}. */
    <S, T> T call(PluginService<S> service, String kind, String what, ServiceWork<S, T> work)
            throws PluginCallException {
        if (!(service instanceof ServiceSlot<S> slot)) {
            throw new IllegalArgumentException("not a service from PluginCalls.services: " + service);
        }
        Bundle plugin = slot.plugin();
        String name = String.valueOf(plugin.getSymbolicName());
        long until = System.nanoTime() + limits.deadline(plugin, kind).toNanos();
        while (true) {
            long seen = handover.events();
            ServiceReference<S> reference;
            try {
                reference = handover.awaitNewVersion(slot, until, kind, what);
            } catch (PluginCallException refused) {
                calls.refusedUnrun(plugin, name);
                throw refused;
            }
            if (reference == null) { // not being updated (or no longer): the live registration, if there is one
                if (calls.draining(plugin)) {
                    boolean update = Handover.transientStop(plugin);
                    if (update && System.nanoTime() < until) {
                        awaitEvent(seen, until, plugin, name, what); // between two states of an update: look again
                        continue;
                    }
                    calls.refusedUnrun(plugin, name); // a plain stop's drain, or the update's past the deadline
                    throw update ? Refusals.notBack(name, what, slot.key(), kind, false)
                            : Refusals.stoppedForGood(name, what);
                }
                reference = slot.reference != null && slot.reference.getBundle() != null ? slot.reference
                        : Registrations.live(plugin, handover.follow(plugin, slot.key()));
            }
            try {
                S gotten = reference == null ? null : handover.gotten(reference);
                if (gotten == null && reference != null && calls.callingInto(plugin)) {
                    // already on a pool thread in a call into this plugin, within that call's deadline: its component
                    // is got here (a component calling back into itself while it activates gets no object at once)
                    gotten = handover.object(reference);
                }
                if (gotten != null) {
                    S object = gotten;
                    return calls.run(plugin, kind, what, () -> work.call(object), true, null);
                }
                if (reference != null && reference.getBundle() != null) {
                    FirstCall first = new FirstCall();
                    ServiceReference<S> registration = reference;
                    Object outcome = calls.run(plugin, kind, what, () -> {
                        S object = handover.object(registration);
                        return object == null || !first.begin() ? FirstCall.NO_OBJECT : work.call(object);
                    }, true, first);
                    if (outcome != FirstCall.NO_OBJECT) {
                        @SuppressWarnings("unchecked")
                        T result = (T) outcome;
                        return result;
                    }
                }
            } catch (PluginCallsImpl.DrainStarted stopping) {
                // an update's stop began between the look and the call: held for the new version on the next turn,
                // within the deadline
                if (System.nanoTime() >= until) {
                    calls.refusedUnrun(plugin, name);
                    throw Refusals.notBack(name, what, slot.key(), kind, false);
                }
                continue;
            }
            // no service object: the registration is gone, or its component did not activate
            if (System.nanoTime() < until && lookAgain(plugin, slot.key(), reference, seen, until, name, what)) {
                continue;
            }
            calls.refusedUnrun(plugin, name);
            throw new PluginCallException(name, Reason.REFUSED, name + " was not called (" + what + "): "
                    + (reference != null && reference.getBundle() != null ? "its service " + slot.key()
                            + " gave no object (its component did not activate)"
                            : "it no longer offers " + slot.key() + " (stopped, uninstalled, or its new version "
                                    + "does not have it)") + "; 'plugin:why " + name + "' says why", null);
        }
    }

    /**
     * A call found no service object: whether the state says to look again rather than refuse. The registration it
     * found is gone since (an update or a refresh took it down after the look, perhaps as far as starting the new
     * version before the service runtime registered its component): the next look decides from the state then (held
     * for the new version while the plugin is being replaced, the new registration once there, refused when neither).
     * No registration, or one whose object the service runtime does not give (its component being taken down), while
     * the plugin is being replaced and the service is awaited or the plugin not active: looked at again after the next
     * event, at most until the deadline. Otherwise the plugin is at rest without the service: refused.
     */
    private boolean lookAgain(Bundle plugin, String key, ServiceReference<?> tried, long seen, long until, String name,
            String what) throws PluginCallException {
        if (tried != null && tried.getBundle() == null) {
            return true;
        }
        if (!handover.changing(plugin) || plugin.getState() == Bundle.ACTIVE && !handover.awaits(plugin, key)) {
            return false;
        }
        awaitEvent(seen, until, plugin, name, what);
        return true;
    }

    private void awaitEvent(long seen, long until, Bundle plugin, String name, String what)
            throws PluginCallException {
        try {
            handover.awaitEvent(seen, until);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            calls.refusedUnrun(plugin, name);
            throw new PluginCallException(name, Reason.REFUSED, "the call into " + name + " (" + what + ") was "
                    + "abandoned while the plugin was being updated: the calling thread was interrupted", interrupted);
        }
    }
}
