package org.carehost.plugins.internal.calls;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** A call whose registration is gone goes to the plugin's registration under its key only when there is one. */
class RegistrationsTest {

    private static ServiceReference<?> registration(Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(RegistrationsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private static Bundle plugin(ServiceReference<?>... registered) {
        return (Bundle) Proxy.newProxyInstance(RegistrationsTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getRegisteredServices") ? registered : null);
    }

    @Test
    void twoRegistrationsOfOneKeyAreNotGuessedBetween() {
        String[] notifier = {"org.carehost.sdk.plugin.Notifier"};
        ServiceReference<?> sms = registration(Map.of(Constants.OBJECTCLASS, notifier, "channel", "sms"));
        ServiceReference<?> email = registration(Map.of(Constants.OBJECTCLASS, notifier, "channel", "email"));
        String key = ServiceSlot.keyOf(sms);
        assertSame(sms, Registrations.live(plugin(sms), key));
        // registered without Declarative Services, both have one key: a call meant for the sms notifier, whose
        // registration is gone, must not reach the email one
        assertNull(Registrations.live(plugin(email, sms), key));
        ServiceReference<?> component = registration(Map.of(Constants.OBJECTCLASS, notifier, "component.name", "c.Sms"));
        assertSame(component, Registrations.live(plugin(email, component), "c.Sms"));
    }
}
