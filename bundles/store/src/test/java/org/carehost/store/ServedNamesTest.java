package org.carehost.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A served name is the first plugin's that served it while that plugin is installed, on the real schema (H2). */
class ServedNamesTest {

    private final String url = "jdbc:h2:mem:served" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    private final Set<String> installed = new HashSet<>();
    private Store store;
    private ServedNames channels;

    @BeforeEach
    void schema() throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                java.io.InputStream script = getClass().getResourceAsStream(
                        "/org/carehost/store/internal/migration/V23__served_names.sql")) {
            connection.createStatement().execute(new String(script.readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8)); // the shipped script
        }
        store = (Store) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "connection" -> DriverManager.getConnection(url);
                    case "dialect" -> Store.Dialect.H2;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
        channels = new ServedNames(store, ServedNames.CHANNEL);
    }

    @Test
    void theFirstServerKeepsItWhileInstalledStoppedOrNot() throws Exception {
        installed.addAll(Set.of("com.example.sms", "com.example.grab"));
        assertNull(channels.owner("sms", null, installed::contains), "asking records nothing");
        assertEquals("com.example.sms", channels.owner("sms", "com.example.sms", installed::contains));
        // the only one registered now is another plugin (the owner is stopped): still the owner's
        assertEquals("com.example.sms", channels.owner("sms", "com.example.grab", installed::contains));
        assertEquals("com.example.sms", channels.owner("sms", null, installed::contains));
        // another kind of name is another record
        assertEquals("com.example.grab", new ServedNames(store, ServedNames.SYSTEM)
                .owner("sms", "com.example.grab", installed::contains));
    }

    @Test
    void onceItsPluginIsUninstalledTheNextServerTakesIt() throws Exception {
        installed.addAll(Set.of("com.example.sms", "com.example.other"));
        assertEquals("com.example.sms", channels.owner("sms", "com.example.sms", installed::contains));
        installed.remove("com.example.sms");
        assertNull(channels.owner("sms", null, installed::contains), "no installed owner");
        assertEquals("com.example.other", channels.owner("sms", "com.example.other", installed::contains));
        installed.add("com.example.sms"); // installed again later: the channel stays the other's
        assertEquals("com.example.other", channels.owner("sms", "com.example.sms", installed::contains));
    }
}
