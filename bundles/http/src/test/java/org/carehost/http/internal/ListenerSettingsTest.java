package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.log.Logger;

/**
 * What Felix HTTP is given: at the defaults a configuration with only the mark (Jetty starts when it is delivered); when
 * the key store is broken: at the first start HTTPS stays off; once HTTPS ran with a good key store, a broken one given
 * later keeps the previous one in use, with one error naming the setting and the cause.
 */
class ListenerSettingsTest {

    private static final String PASSWORD = "key-store-password";
    @TempDir
    static Path home;
    private static Path security;

    /** Felix HTTP's configuration as written, and the errors logged. */
    private final Map<String, Object> felix = new HashMap<>();
    private final List<String> errors = new ArrayList<>();

    @BeforeAll
    static void keyStores() throws Exception {
        security = Files.createDirectories(home.resolve("etc/security"));
        KeyStores.make(security.resolve("old.p12"), PASSWORD);
        KeyStores.make(security.resolve("new.p12"), PASSWORD);
        Files.writeString(security.resolve("broken.p12"), "not a key store");
    }

    @Test
    void aBrokenKeyStoreAtTheFirstStartKeepsHttpsOff() {
        new ListenerSettings(configAdmin(), log(), https("broken.p12", PASSWORD), security);
        assertEquals("false", felix.get(ListenerSettings.HTTPS_ENABLE));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("HTTPS is off: the key store "), errors.get(0));
    }

    @Test
    void aBrokenKeyStoreGivenWhileHttpsRunsKeepsThePreviousOne() {
        ListenerSettings settings = new ListenerSettings(configAdmin(), log(), https("old.p12", PASSWORD), security);
        assertEquals("true", felix.get(ListenerSettings.HTTPS_ENABLE));
        String old = security.resolve("old.p12").toString();
        assertEquals(old, felix.get(ListenerSettings.KEY_STORE));

        settings.modified(https("old.p12", "wrong"));
        assertEquals("true", felix.get(ListenerSettings.HTTPS_ENABLE));
        assertEquals(old, felix.get(ListenerSettings.KEY_STORE));
        assertEquals(PASSWORD, felix.get(ListenerSettings.KEY_STORE_PASSWORD), "the previous key store's password");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("HTTPS key store not changed: keyStorePassword in etc/org.carehost.http."
                + "listener.cfg does not open the key store ") && errors.get(0).contains("The previous key store "
                + old + " stays in use"), errors.get(0));
        assertTrue(!errors.get(0).contains("wrong") && !errors.get(0).contains(PASSWORD), "no password is told");

        settings.modified(https("../../outside.p12", PASSWORD));
        assertEquals(old, felix.get(ListenerSettings.KEY_STORE));
        assertTrue(errors.get(1).contains("keyStore in etc/org.carehost.http.listener.cfg names ")
                && errors.get(1).contains("stays in use"), errors.get(1));

        settings.modified(https("new.p12", PASSWORD)); // the rotation done right
        assertEquals(security.resolve("new.p12").toString(), felix.get(ListenerSettings.KEY_STORE));
        assertEquals(2, errors.size());

        settings.modified(https(null, PASSWORD)); // HTTPS off on purpose, then a broken key store: nothing to keep
        settings.modified(https("broken.p12", PASSWORD));
        assertEquals("false", felix.get(ListenerSettings.HTTPS_ENABLE));
        assertTrue(errors.get(2).startsWith("HTTPS is off: "), errors.get(2));
    }

    @Test
    void atTheDefaultsFelixHttpGetsAConfigurationWithOnlyTheMarkSoThatJettyStarts() {
        // carehost.jar runs Felix HTTP with org.apache.felix.http.require.config=true: no configuration, no Jetty
        ListenerSettings settings = new ListenerSettings(configAdmin(), log(), https(null, PASSWORD), security);
        assertEquals(Map.of(ListenerSettings.WRITTEN_BY, ListenerSettings.PID), felix);

        settings.modified(https("old.p12", PASSWORD));
        assertEquals("true", felix.get(ListenerSettings.HTTPS_ENABLE));
        settings.modified(https(null, PASSWORD)); // back to the defaults: the framework properties apply again
        assertEquals(Map.of(ListenerSettings.WRITTEN_BY, ListenerSettings.PID), felix);
        assertEquals(List.of(), errors);
    }

    @Test
    void atTheDefaultsAConfigurationNotWrittenHereIsLeftAlone() {
        felix.put(ListenerSettings.PORT, "9191"); // say, an operator's own etc/org.apache.felix.http.cfg
        new ListenerSettings(configAdmin(), log(), https(null, PASSWORD), security);
        assertEquals(Map.of(ListenerSettings.PORT, "9191"), felix);
    }

    @Test
    void felixHttpsConfigurationDeletedIsWrittenAgainSoThatJettyStartsAgain() {
        felix.put(ListenerSettings.PORT, "9191"); // an operator's own etc/org.apache.felix.http.cfg, then removed
        ListenerSettings settings = new ListenerSettings(configAdmin(), log(), https(null, PASSWORD), security);
        felix.clear();
        settings.configurationEvent(new ConfigurationEvent(configAdminReference(), ConfigurationEvent.CM_DELETED, null,
                ListenerSettings.FELIX_PID));
        assertEquals(Map.of(ListenerSettings.WRITTEN_BY, ListenerSettings.PID), felix);
        felix.clear();
        felix.put(ListenerSettings.PORT, "9292");
        settings.configurationEvent(new ConfigurationEvent(configAdminReference(), ConfigurationEvent.CM_DELETED, null,
                "another.pid"));
        assertEquals(Map.of(ListenerSettings.PORT, "9292"), felix, "another configuration's deletion changes nothing");
        felix.clear();
        felix.put(ListenerSettings.WRITTEN_BY, ListenerSettings.PID);
        assertEquals(Map.of(ListenerSettings.WRITTEN_BY, ListenerSettings.PID), felix);
        assertEquals(List.of(), errors);
    }

    /** HTTPS on with this key store (null: HTTPS off), plain HTTP on, the other settings at their defaults. */
    private static ListenerConfiguration https(String keyStore, String password) {
        Map<String, Object> values = Map.of("httpsEnabled", keyStore != null, "keyStore",
                keyStore == null ? "" : keyStore, "keyStorePassword", password);
        return (ListenerConfiguration) Proxy.newProxyInstance(ListenerConfiguration.class.getClassLoader(),
                new Class<?>[] {ListenerConfiguration.class}, (proxy, method, args) -> values.containsKey(
                        method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private ConfigurationAdmin configAdmin() {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(Configuration.class.getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProperties":
                            return felix.isEmpty() ? null : new java.util.Hashtable<>(felix);
                        case "update":
                            felix.clear();
                            Dictionary<?, ?> given = (Dictionary<?, ?>) args[0];
                            for (Object key : java.util.Collections.list(given.keys())) {
                                felix.put((String) key, given.get(key));
                            }
                            return null;
                        case "delete":
                            felix.clear();
                            return null;
                        default:
                            return null;
                    }
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(ConfigurationAdmin.class.getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> method.getName().equals("getConfiguration") ? configuration : null);
    }

    @SuppressWarnings("unchecked")
    private static org.osgi.framework.ServiceReference<ConfigurationAdmin> configAdminReference() {
        return (org.osgi.framework.ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                ListenerSettingsTest.class.getClassLoader(), new Class<?>[] {org.osgi.framework.ServiceReference.class},
                (proxy, method, args) -> null);
    }

    /** A logger keeping each error, its {} filled in. */
    private Logger log() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("error") && args != null && args[0] instanceof String format) {
                        List<Object> values = new ArrayList<>();
                        for (int i = 1; i < args.length; i++) {
                            if (args[i] instanceof Object[] many) {
                                values.addAll(List.of(many));
                            } else {
                                values.add(args[i]);
                            }
                        }
                        String text = format;
                        for (Object value : values) {
                            text = text.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(
                                    String.valueOf(value)));
                        }
                        errors.add(text);
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }
}
