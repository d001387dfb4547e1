package org.carehost.plugins.internal.calls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The registrations {@link Handover} has heard of, by object class, and the service objects calls use. The framework
 * drops a registration from its registry before it posts {@code UNREGISTERING}, so a service read from the registry
 * would be neither registered nor awaited in between; {@link Handover} changes this index under its own lock, together
 * with its awaited services, so a listing sees one or the other. Not thread-safe but for the objects: the caller locks.
 */
final class Registrations {

    private final BundleContext context;
    private final Map<String, Map<ServiceReference<?>, ServiceSlot<?>>> byType = new HashMap<>();
    private final Map<ServiceReference<?>, Object> objects = new ConcurrentHashMap<>();
    /**
     * Registrations whose {@code UNREGISTERING} was heard while the framework may still give their object (it clears
     * a reference's bundle only once the listeners have run): an object got for one of them late (a first call's pool
     * task finishing after its caller gave up) is given back, not kept. Pruned once the framework has cleared them.
     */
    private final Set<ServiceReference<?>> going = ConcurrentHashMap.newKeySet();

    Registrations(BundleContext context) {
        this.context = context;
    }

    /** Takes in every registration there is (once listening, so that none is missed). */
    void takeInAll() {
        ServiceReference<?>[] all;
        try {
            all = context.getAllServiceReferences(null, null);
        } catch (InvalidSyntaxException cannot) {
            throw new IllegalStateException(cannot);
        }
        for (ServiceReference<?> reference : all == null ? new ServiceReference<?>[0] : all) {
            Bundle bundle = reference.getBundle();
            if (bundle != null) {
                add(reference, bundle);
            }
        }
    }

    void add(ServiceReference<?> reference, Bundle bundle) {
        ServiceSlot<?> slot = ServiceSlot.live(reference, bundle);
        for (String type : (String[]) reference.getProperty(Constants.OBJECTCLASS)) {
            byType.computeIfAbsent(type, any -> new HashMap<>()).put(reference, slot);
        }
    }

    void remove(ServiceReference<?> reference) {
        for (String type : (String[]) reference.getProperty(Constants.OBJECTCLASS)) {
            Map<ServiceReference<?>, ServiceSlot<?>> ofType = byType.get(type);
            if (ofType != null && ofType.remove(reference) != null && ofType.isEmpty()) {
                byType.remove(type);
            }
        }
    }

    /** The live registrations under {@code type}. */
    List<ServiceSlot<?>> of(String type) {
        Map<ServiceReference<?>, ServiceSlot<?>> ofType = byType.get(type);
        if (ofType == null) {
            return List.of();
        }
        // one unregistered while takeInAll() read the registry was added after its event: dropped here
        ofType.values().removeIf(live -> live.reference.getBundle() == null);
        return new ArrayList<>(ofType.values());
    }

    /**
     * The plugin's one registration under {@code key} now, or null: also when it has two or more, which a key does not
     * tell apart (two notifiers of one bundle registered without Declarative Services, for two channels, share a key:
     * a call meant for one must not go to the other).
     */
    @SuppressWarnings("unchecked")
    static <S> ServiceReference<S> live(Bundle plugin, String key) {
        ServiceReference<?>[] registered;
        try {
            registered = plugin.getRegisteredServices();
        } catch (IllegalStateException uninstalled) {
            return null;
        }
        ServiceReference<S> found = null;
        if (registered != null) {
            for (ServiceReference<?> reference : registered) {
                if (key.equals(ServiceSlot.keyOf(reference))) {
                    if (found != null) {
                        return null;
                    }
                    found = (ServiceReference<S>) reference;
                }
            }
        }
        return found;
    }

    /** The service object a call already got for the registration, or null: never asks the framework. */
    @SuppressWarnings("unchecked")
    <S> S gotten(ServiceReference<S> reference) {
        return (S) objects.get(reference);
    }

    /**
     * The service object for a call, got once per registration; null when it is gone. Getting it may build and
     * activate the plugin's component (its constructor, its activate method): plugin code, so a caller asks for it
     * only on a thread whose wait is bounded by the call's deadline.
     */
    @SuppressWarnings("unchecked")
    <S> S object(ServiceReference<S> reference) {
        Object object = objects.get(reference);
        if (object == null && reference.getBundle() != null) {
            object = context.getService(reference);
            if (object != null && objects.putIfAbsent(reference, object) != null) {
                context.ungetService(reference); // another call got it first: one use is kept per registration
                object = objects.get(reference);
            }
            if ((going.contains(reference) || reference.getBundle() == null) && object != null
                    && objects.remove(reference, object)) {
                context.ungetService(reference); // unregistered while it was got: not kept
            }
        }
        return (S) object;
    }

    /** The registration is going: its object, if one was got, is given back. */
    void release(ServiceReference<?> reference) {
        going.removeIf(gone -> gone.getBundle() == null);
        going.add(reference);
        if (objects.remove(reference) != null && context != null) {
            context.ungetService(reference);
        }
    }

    void releaseAll() {
        objects.keySet().forEach(this::release);
    }
}
