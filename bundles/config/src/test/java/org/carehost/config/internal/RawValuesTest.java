package org.carehost.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.carehost.security.ContainerBundles;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * redteam-3 #4: a value with {@code $[} never reaches a plugin to be interpolated (the container's environment,
 * secrets, system properties); the container's own bundles keep theirs. Bundles, events and the log are stand-ins.
 */
class RawValuesTest {

    private static final ContainerBundles RULE = new ContainerBundles("jar/org.carehost.http", "50");
    /** The Felix interpolation plugin's ranking (its Activator's PLUGIN_RANKING in 1.2.8). */
    private static final int INTERPOLATION_RANKING = 500;

    private final List<Event> posted = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(RawValuesTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName();
                    default -> answers.get(method.getName());
                });
    }

    private RawValues rawValues() {
        EventAdmin events = (EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EventAdmin.class}, (proxy, method, args) -> {
                    posted.add((Event) args[0]);
                    return null;
                });
        Logger log = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("error")) {
                        errors.add(String.valueOf(args[0]) + " " + List.of(args).subList(1, args.length));
                    }
                    return null;
                });
        return new RawValues(RULE, events, log);
    }

    private static ServiceReference<?> to(String name, String location) {
        Bundle bundle = stub(Bundle.class, Map.of("getBundleId", 40L, "getSymbolicName", name, "getLocation", location,
                "getState", Bundle.ACTIVE));
        return stub(ServiceReference.class, Map.of("getBundle", bundle));
    }

    private static Dictionary<String, Object> configuration() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, "com.example.labs~t1");
        properties.put("system", "$[env:CAREHOST_DATA_KEY]");
        properties.put("hosts", new String[] {"a.example", "x$[secret:https]"});
        properties.put("subject", "Results for [patient] $ 5");
        properties.put("path", "$[0].code"); // a JSONPath: no placeholder, delivered as it is
        properties.put("carehost.tenant", "t1");
        return properties;
    }

    @Test
    void runsBeforeInterpolation() {
        assertTrue(RawValues.RANKING < INTERPOLATION_RANKING);
    }

    @Test
    void aPluginNeverGetsAValueThatWouldBeInterpolated() {
        Dictionary<String, Object> toPlugin = configuration();
        rawValues().modifyConfiguration(to("com.example.labs", "file:/srv/carehost/deploy/labs.jar"), toPlugin);
        assertNull(toPlugin.get("system"));
        assertNull(toPlugin.get("hosts"));
        assertEquals("Results for [patient] $ 5", toPlugin.get("subject"));
        assertEquals("$[0].code", toPlugin.get("path"));
        assertEquals("t1", toPlugin.get("carehost.tenant"));
        assertEquals(1, posted.size());
        assertEquals(ConfigGuard.REJECTED, posted.get(0).getTopic());
        assertEquals("com.example.labs~t1", posted.get(0).getProperty("config.pid"));
        String reason = String.valueOf(posted.get(0).getProperty("config.reason"));
        assertTrue(reason.contains("held '$[type:'"), reason);
        assertTrue(reason.contains("system") && reason.contains("hosts"), reason);
        assertEquals(1, errors.size(), errors.toString());
    }

    @Test
    void theContainersBundlesKeepTheirPlaceholders() {
        Dictionary<String, Object> toContainer = configuration();
        rawValues().modifyConfiguration(to("org.carehost.http", "jar/org.carehost.http"), toContainer);
        assertEquals("$[env:CAREHOST_DATA_KEY]", toContainer.get("system"));
        assertArrayEquals(new String[] {"a.example", "x$[secret:https]"}, (String[]) toContainer.get("hosts"));
        assertTrue(posted.isEmpty());
    }
}
