package org.carehost.plugins.internal.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** A service's identity never runs a property's own code (red team 21: a hashCode that slept under a lock). */
class ServiceSlotTest {

    /** A plugin's class: any call of its hashCode, equals or toString fails the test. */
    static final class Evil {
        @Override
        public int hashCode() {
            throw new AssertionError("hashCode of a plugin's object called");
        }

        @Override
        public boolean equals(Object other) {
            throw new AssertionError("equals of a plugin's object called");
        }

        @Override
        public String toString() {
            throw new AssertionError("toString of a plugin's object called");
        }
    }

    private static ServiceReference<?> registration(Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(ServiceSlotTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getPropertyKeys" -> properties.keySet().toArray(new String[0]);
                    default -> null;
                });
    }

    @Test
    void aPropertyOfThePluginsOwnClassIsComparedByItsClassNameOnly() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.OBJECTCLASS, new String[] {"java.util.concurrent.Callable"});
        properties.put("rt21.evil", new Evil());
        properties.put("nested", new Object[] {new Evil(), "text", 3});
        properties.put("channel", "sms");
        Map<String, Object> identity = ServiceSlot.identityOf(registration(properties));
        Map<String, Object> again = new HashMap<>(identity); // hashes every value: none is the plugin's
        assertEquals("<an object of " + Evil.class.getName() + ">", again.get("rt21.evil"));
        assertEquals(List.of("<an object of " + Evil.class.getName() + ">", "text", 3), again.get("nested"));
        assertEquals("sms", again.get("channel"));
        assertEquals(identity, ServiceSlot.identityOf(registration(properties)), "two looks compare equal");
    }
}
