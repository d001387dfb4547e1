package org.carehost.plugins.internal.calls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * {@link ComponentOutlook} on a service runtime of fakes (its DTOs as Felix SCR gives them) and monotonic time the test moves:
 * "may" only while the component can still come up offering the awaited classes, never past the plugin's longest
 * deadline after its {@code STARTED}, and a runtime that throws is "may" within that bound, never an exception.
 */
class ComponentOutlookTest {

    private static final String CHECK = "org.example.Check";
    private static final Duration LONGEST = Duration.ofSeconds(30);

    private final MovingNanos clock = new MovingNanos();
    private final List<ComponentDescriptionDTO> descriptions = new ArrayList<>();
    private final List<ComponentConfigurationDTO> configurations = new ArrayList<>();
    private volatile boolean enabled = true;
    private volatile RuntimeException runtimeFails;
    private volatile boolean declaresComponents = true;
    private final Bundle plugin = bundle();
    private final ComponentOutlook outlook = new ComponentOutlook(scr(), clock, any -> LONGEST);
    private final ServiceSlot<?> awaited = awaited(CHECK, "java.util.function.Supplier");

    @Test
    void aComponentThatRequiresAConfigurationItLacksWillNotRegister() {
        ComponentDescriptionDTO check = component(CHECK, "java.util.function.Supplier");
        check.configurationPolicy = "require";
        started();
        assertFalse(outlook.mayRegister(plugin, awaited), "SCR lists no configuration until one is added");
        check.configurationPolicy = "optional";
        assertTrue(outlook.mayRegister(plugin, awaited), "an optional one with none listed yet is being enabled");
    }

    @Test
    void aDisabledComponentOrAFactoryWillNotRegister() {
        ComponentDescriptionDTO check = component(CHECK, "java.util.function.Supplier");
        started();
        enabled = false;
        check.defaultEnabled = true;
        assertTrue(outlook.mayRegister(plugin, awaited), "enabled by default: Felix lists it before it enables it");
        check.defaultEnabled = false;
        assertFalse(outlook.mayRegister(plugin, awaited));
        enabled = true;
        check.factory = "checks";
        assertFalse(outlook.mayRegister(plugin, awaited));
    }

    @Test
    void aComponentNoLongerOfferingTheAwaitedClassesWillNotRegisterThem() {
        component(CHECK, "java.lang.Runnable"); // v2 dropped the Supplier service
        configuration(ComponentConfigurationDTO.ACTIVE);
        started();
        assertFalse(outlook.mayRegister(plugin, awaited));
        descriptions.get(0).serviceInterfaces = new String[] {"java.lang.Runnable", "java.util.function.Supplier"};
        assertTrue(outlook.mayRegister(plugin, awaited));
    }

    @Test
    void aComponentWaitingForItsReferencesMayStillRegisterOneThatFailedWillNot() {
        component(CHECK, "java.util.function.Supplier");
        configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE); // a dependency being refreshed
        started();
        assertTrue(outlook.mayRegister(plugin, awaited));
        configurations.get(0).state = ComponentConfigurationDTO.FAILED_ACTIVATION;
        assertFalse(outlook.mayRegister(plugin, awaited));
        configurations.get(0).state = ComponentConfigurationDTO.UNSATISFIED_REFERENCE;
        clock.move(LONGEST.plusMillis(1));
        assertFalse(outlook.mayRegister(plugin, awaited), "within the bound only");
    }

    @Test
    void mayIsBoundedByTheLongestDeadlineAfterStarted() {
        component(CHECK, "java.util.function.Supplier");
        configuration(ComponentConfigurationDTO.SATISFIED);
        started();
        clock.move(LONGEST);
        assertTrue(outlook.mayRegister(plugin, awaited), "at the bound, still may");
        clock.move(Duration.ofMillis(1));
        assertFalse(outlook.mayRegister(plugin, awaited), "past the bound: no, whatever the runtime says");

        // the next update: a new STARTED, a new bound
        outlook.bundleChanged(new BundleEvent(BundleEvent.STOPPING, plugin));
        started();
        assertTrue(outlook.mayRegister(plugin, awaited));
    }

    @Test
    void componentsNotTakenUpYetMayRegisterOnlyWithinTheBound() {
        started();
        assertTrue(outlook.mayRegister(plugin, awaited), "SCR has not taken the components up yet");
        clock.move(LONGEST.plusSeconds(1));
        assertFalse(outlook.mayRegister(plugin, awaited), "a Service-Component header SCR never takes up");
        declaresComponents = false;
        started();
        assertFalse(outlook.mayRegister(plugin, awaited), "no components: its own services are registered by then");
    }

    @Test
    void aComponentNotListedYetMayRegisterWithinTheBound() {
        component("org.example.other", "java.lang.Runnable"); // the bundle's other descriptions, still loading
        started();
        assertTrue(outlook.mayRegister(plugin, awaited));
        clock.move(LONGEST.plusMillis(1));
        assertFalse(outlook.mayRegister(plugin, awaited));
    }

    @Test
    void anActivePluginWhoseStartedWasNotHeardIsBoundedFromTheFirstLook() {
        component(CHECK, "java.util.function.Supplier");
        assertTrue(outlook.mayRegister(plugin, awaited));
        clock.move(LONGEST.plusMillis(1));
        assertFalse(outlook.mayRegister(plugin, awaited));
    }

    @Test
    void aRuntimeThatThrowsIsMayWithinTheBoundAndNeverEscapes() {
        component(CHECK, "java.util.function.Supplier");
        started();
        runtimeFails = new IllegalStateException("SCR is being stopped");
        assertTrue(outlook.mayRegister(plugin, awaited));
        clock.move(LONGEST.plusMillis(1));
        assertFalse(outlook.mayRegister(plugin, awaited));
    }

    private void started() {
        outlook.bundleChanged(new BundleEvent(BundleEvent.STARTED, plugin));
    }

    private ComponentDescriptionDTO component(String name, String... services) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.serviceInterfaces = services;
        description.configurationPolicy = "optional";
        descriptions.add(description);
        return description;
    }

    private void configuration(int state) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        configurations.add(configuration);
    }

    private ServiceComponentRuntime scr() {
        return (ServiceComponentRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, arguments) -> {
                    if (runtimeFails != null) {
                        throw runtimeFails;
                    }
                    return switch (method.getName()) {
                        case "getComponentDescriptionDTOs" -> List.copyOf(descriptions);
                        case "getComponentConfigurationDTOs" -> List.copyOf(configurations);
                        case "isComponentEnabled" -> enabled;
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }

    private Bundle bundle() {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getBundleId" -> 31L;
                    case "getSymbolicName" -> "org.example.outlook";
                    case "getState" -> Bundle.ACTIVE;
                    case "getHeaders" -> new Hashtable<>(declaresComponents
                            ? Map.of("Service-Component", "OSGI-INF/*.xml") : Map.of());
                    case "hashCode" -> 31;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
    }

    private ServiceSlot<?> awaited(String component, String... classes) {
        Map<String, Object> properties = Map.of(Constants.SERVICE_ID, 7L, "component.name", component,
                Constants.OBJECTCLASS, classes);
        ServiceReference<?> reference = (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) arguments[0]);
                    case "getPropertyKeys" -> properties.keySet().toArray(new String[0]);
                    default -> null;
                });
        return ServiceSlot.awaited(reference, plugin);
    }

    /** Monotonic time the test moves. */
    private static final class MovingNanos implements java.util.function.LongSupplier {
        private volatile long now = 1_000_000_000L;

        void move(Duration by) {
            now += by.toNanos();
        }

        @Override
        public long getAsLong() {
            return now;
        }
    }
}
