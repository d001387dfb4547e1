package org.carehost.sdk.testkit;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

/**
 * Whether the components configured by a PID have been given a configuration, as Service Component Runtime tells
 * it (its DTOs: each component configuration's properties), so that {@link Carehost#configure} returns once the
 * plugin has its new settings rather than after a guessed pause. Read reflectively: the runtime's API lives inside
 * the container, not on the test's class path (the same reason as the security manager's refusals).
 */
final class ComponentConfigurations {

    /**
     * Posted by the container's configuration guard when it refuses a configuration: {@code config.pid}, {@code
     * config.reason}.
     */
    static final String REJECTED = "carehost/config/REJECTED";

    private static final String RUNTIME = "org.osgi.service.component.runtime.ServiceComponentRuntime";
    private static final long POLL_MILLIS = 10;
    private static final String COMPONENT_ID = "component.id";
    /** ComponentConfigurationDTO's states. */
    private static final int SATISFIED = 4;
    private static final int ACTIVE = 8;
    private static final int FAILED_ACTIVATION = 16;

    private final BundleContext context;

    ComponentConfigurations(BundleContext context) {
        this.context = context;
    }

    /**
     * Waits until every component whose configuration PID is {@code pid} has a configuration with these
     * {@code properties} (any others may be there too) and is satisfied with it, its service (if it provides one)
     * registered with them, and returns; when no component is configured by {@code pid}, returns at once.
     *
     * @param refusal why the container refused the configuration (its configuration guard), or null so far
     * @throws IllegalArgumentException if the configuration was refused
     * @throws IllegalStateException if a component failed to activate with it
     * @throws AssertionError if the components do not have it within {@code timeout}
     */
    void await(String pid, Map<String, Object> properties, Supplier<String> refusal, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String refused = refusal.get();
            if (refused != null) {
                throw new IllegalArgumentException("The container refused configuration " + pid + ": " + refused
                        + "; the components keep their last good one");
            }
            List<String> waiting = notYetConfigured(pid, properties);
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Configuration " + pid + " did not reach " + waiting + " within "
                        + timeout.toSeconds() + " s (a component gets a configuration when its bundle is active; "
                        + "is the plugin started?)");
            }
            try {
                Thread.sleep(POLL_MILLIS); // polling the runtime's state: it announces no per-component change
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for configuration " + pid, e);
            }
        }
    }

    /**
     * The reason of the first refusal of {@code pid} among the events posted after this call ({@code rejected}: the
     * {@link #REJECTED} events so far), or null while there is none.
     */
    static Supplier<String> refusalAfter(String pid, Supplier<List<Event>> rejected) {
        int before = rejected.get().size();
        return () -> {
            List<Event> all = rejected.get();
            for (Event event : all.subList(Math.min(before, all.size()), all.size())) {
                if (pid.equals(event.getProperty("config.pid"))) {
                    return String.valueOf(event.getProperty("config.reason"));
                }
            }
            return null;
        };
    }

    /** The names of the components configured by {@code pid} that do not yet have {@code properties}. */
    private List<String> notYetConfigured(String pid, Map<String, Object> properties) {
        ServiceReference<?> reference = runtime();
        if (reference == null) {
            return List.of("Service Component Runtime (not running)");
        }
        Object runtime = context.getService(reference);
        try {
            Class<?> api = apiOf(runtime.getClass());
            Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Method configurations = Arrays.stream(api.getMethods())
                    .filter(method -> method.getName().equals("getComponentConfigurationDTOs")).findFirst()
                    .orElseThrow(() -> new NoSuchMethodException(RUNTIME + ".getComponentConfigurationDTOs"));
            List<String> waiting = new ArrayList<>();
            for (Object description : (Collection<?>) descriptions.invoke(runtime, (Object) new Bundle[0])) {
                String[] pids = (String[]) field(description, "configurationPid");
                if (pids == null || !Arrays.asList(pids).contains(pid)
                        || "ignore".equals(field(description, "configurationPolicy"))) {
                    continue;
                }
                boolean provides = ((String[]) field(description, "serviceInterfaces")).length > 0;
                String state = "no configuration yet";
                for (Object configuration : (Collection<?>) configurations.invoke(runtime, description)) {
                    if (!contains((Map<?, ?>) field(configuration, "properties"), properties)) {
                        state = "still the previous configuration";
                        continue;
                    }
                    int now = (Integer) field(configuration, "state");
                    if (now == FAILED_ACTIVATION) {
                        throw new IllegalStateException("Component " + field(description, "name") + " failed with "
                                + "configuration " + pid + ": " + field(configuration, "failure"));
                    }
                    state = now == SATISFIED || now == ACTIVE ? null : "not satisfied (state " + now + ")";
                    if (state == null && provides && !serviceShows(field(configuration, "id"), properties)) {
                        state = "its service not yet registered again";
                    }
                    if (state == null) {
                        break;
                    }
                }
                if (state != null) {
                    waiting.add(field(description, "name") + " (" + state + ")");
                }
            }
            return waiting;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Service Component Runtime could not be asked about " + pid + ": " + e, e);
        } finally {
            context.ungetService(reference);
        }
    }

    /**
     * The runtime's service: from all, since the test's class space (the system bundle's) has no wiring to the
     * runtime's API package, and the framework would hide it from a plain lookup.
     */
    private ServiceReference<?> runtime() {
        try {
            ServiceReference<?>[] all = context.getAllServiceReferences(RUNTIME, null);
            return all == null ? null : all[0];
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the component's service is registered with the configuration's values (a component that provides
     * services is reachable only once SCR has registered it again; private properties, named {@code .x}, are not
     * service properties).
     */
    private boolean serviceShows(Object componentId, Map<String, Object> properties) {
        try {
            ServiceReference<?>[] services = context.getAllServiceReferences(null,
                    "(" + COMPONENT_ID + "=" + componentId + ")");
            if (services == null) {
                return false;
            }
            Map<String, Object> visible = new HashMap<>();
            properties.forEach((key, value) -> {
                if (!key.startsWith(".")) {
                    visible.put(key, value);
                }
            });
            for (ServiceReference<?> service : services) {
                Map<String, Object> registered = new HashMap<>();
                for (String key : service.getPropertyKeys()) {
                    registered.put(key, service.getProperty(key));
                }
                if (contains(registered, visible)) {
                    return true;
                }
            }
            return false;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> apiOf(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> implemented : c.getInterfaces()) {
                if (implemented.getName().equals(RUNTIME)) {
                    return implemented;
                }
            }
        }
        throw new IllegalStateException(type + " does not implement " + RUNTIME);
    }

    private static Object field(Object dto, String name) throws ReflectiveOperationException {
        return dto.getClass().getField(name).get(dto);
    }

    /** Whether {@code actual} (a DTO's properties: other types became text) holds every entry of {@code expected}. */
    static boolean contains(Map<?, ?> actual, Map<String, Object> expected) {
        if (actual == null) {
            return false;
        }
        for (Map.Entry<String, Object> entry : expected.entrySet()) {
            if (!same(entry.getValue(), actual.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static boolean same(Object expected, Object actual) {
        if (Objects.equals(expected, actual)) {
            return true;
        }
        if (expected == null || actual == null) {
            return false;
        }
        return texts(expected).equals(texts(actual));
    }

    /** A value as text, an array or collection as the list of its elements' texts. */
    private static Object texts(Object value) {
        if (value.getClass().isArray()) {
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(String.valueOf(Array.get(value, i)));
            }
            return elements;
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().map(String::valueOf).toList();
        }
        return String.valueOf(value);
    }
}
