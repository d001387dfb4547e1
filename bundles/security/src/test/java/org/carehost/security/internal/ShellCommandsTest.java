package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;

/** Which plugin commands take the container's: reserved scopes, and names of container commands as they come and go. */
class ShellCommandsTest {

    private static final AtomicLong IDS = new AtomicLong();

    private final Bundle gogoCommand = bundle("org.apache.felix.gogo.command");
    private final Bundle plugin = bundle("org.example.plugin");
    private final ShellCommands commands = new ShellCommands(bundle -> bundle == plugin);

    @Test
    void aCommandInAReservedScopeIsRefusedWhateverItsCase() {
        for (String scope : List.of("security", "Security", "user", "carehost", "adapter", "notify", "schedule", "wasm",
                "catalog", "log", "plugin", "audit", "tenant")) {
            String refusal = commands.refusal(command(plugin, scope, "anything"));
            assertEquals("registered commands in the shell scope " + scope + ", which only the container may provide",
                    refusal);
        }
        assertNull(commands.refusal(command(plugin, "labs", "results")));
    }

    @Test
    void aPluginCommandNamedLikeAContainerCommandIsRefusedNamingIt() {
        assertTrue(commands.containerChanged(registered(command(gogoCommand, "felix", new String[] {"lb", "install"}))));
        String refusal = commands.refusal(command(plugin, "aa", "lb"));
        assertTrue(refusal.startsWith("registered the shell command aa:lb, which would shadow the container's command "
                + "felix:lb"), refusal);
        assertTrue(refusal.contains("need names no container command has"), refusal);
        assertTrue(commands.refusal(command(plugin, "aa", new String[] {"greet", "INSTALL"})).contains("felix:install"));
        assertNull(commands.refusal(command(plugin, "aa", "greet")));
    }

    @Test
    void aContainerCommandRegisteredLaterMakesThePluginsCommandShadowIt() {
        ServiceReference<?> pluginsCommand = command(plugin, "aa", "status");
        assertNull(commands.refusal(pluginsCommand));
        ServiceReference<?> containers = command(gogoCommand, "security", "status");
        assertTrue(commands.containerChanged(registered(containers)), "a new container function is news");
        assertTrue(commands.refusal(pluginsCommand).contains("security:status"));
        assertFalse(commands.containerChanged(new ServiceEvent(ServiceEvent.MODIFIED, containers)), "nothing new");
        commands.containerChanged(new ServiceEvent(ServiceEvent.UNREGISTERING, containers));
        assertNull(commands.refusal(pluginsCommand), "gone from the container, the name is free again");
    }

    @Test
    void gogoRuntimeBuiltInsCountAndPluginsCommandsNeverBecomeTheContainers() {
        assertTrue(commands.refusal(command(plugin, "aa", "eval")).contains("osgi:eval"));
        assertFalse(commands.containerChanged(registered(command(plugin, "first", "results"))));
        assertNull(commands.refusal(command(plugin, "second", "results")), "plugins among themselves are not policed here");
    }

    @Test
    void theNamesGogoMustForgetAreTheShadowingOnesOnly() {
        commands.containerChanged(registered(command(gogoCommand, "felix", new String[] {"lb", "install"})));
        commands.containerChanged(registered(command(gogoCommand, "aa", "install")));
        assertEquals(List.of("lb"), commands.shadowingFunctions(command(plugin, "aa", new String[] {"lb", "install", "own"})));
        assertEquals(List.of(), commands.shadowingFunctions(command(plugin, "felix", "lb")), "felix:lb is the container's");
    }

    @Test
    void functionsAreReadFromAStringAnArrayOrACollection() {
        assertEquals(List.of("lb"), ShellCommands.functions(" lb "));
        assertEquals(List.of("lb", "install"), ShellCommands.functions(new String[] {"lb", "install", ""}));
        assertEquals(List.of("lb"), ShellCommands.functions(List.of("lb")));
        assertEquals(List.of(), ShellCommands.functions(null));
    }

    private static ServiceEvent registered(ServiceReference<?> reference) {
        return new ServiceEvent(ServiceEvent.REGISTERED, reference);
    }

    private static ServiceReference<?> command(Bundle provider, String scope, Object functions) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Constants.SERVICE_ID, IDS.incrementAndGet());
        properties.put(Constants.OBJECTCLASS, new String[] {"org.example.Commands"});
        properties.put(ShellCommands.SCOPE, scope);
        properties.put(ShellCommands.FUNCTION, functions);
        return (ServiceReference<?>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getBundle" -> provider;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private static Bundle bundle(String symbolicName) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName", "toString" -> symbolicName;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
