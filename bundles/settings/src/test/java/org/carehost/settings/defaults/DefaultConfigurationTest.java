package org.carehost.settings.defaults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

class DefaultConfigurationTest {

    private static final String PID = "org.carehost.example";

    /** Config Admin's configurations, by PID: a stand-in with the two calls this class makes. */
    private final Map<String, Dictionary<String, Object>> stored = new HashMap<>();

    private final ConfigurationAdmin configAdmin = (ConfigurationAdmin) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> {
                if (!method.getName().equals("getConfiguration") || args.length != 2 || !"?".equals(args[1])) {
                    throw new UnsupportedOperationException(method.toString());
                }
                String pid = (String) args[0];
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                        (p, m, a) -> switch (m.getName()) {
                            case "getProperties" -> stored.get(pid);
                            case "delete" -> {
                                stored.remove(pid);
                                yield null;
                            }
                            case "update" -> {
                                @SuppressWarnings("unchecked")
                                Dictionary<String, Object> properties = (Dictionary<String, Object>) a[0];
                                Hashtable<String, Object> copy = new Hashtable<>();
                                for (String key : java.util.Collections.list(properties.keys())) {
                                    copy.put(key, properties.get(key));
                                }
                                copy.put("service.pid", pid);
                                stored.put(pid, copy);
                                yield null;
                            }
                            default -> throw new UnsupportedOperationException(m.toString());
                        });
            });

    @Test
    void withNoFileAndNoConfigurationTheDefaultsAreGivenOnce(@TempDir Path home) throws Exception {
        DefaultConfiguration defaults = new DefaultConfiguration(configAdmin, PID, folders(home));
        assertTrue(defaults.provide());
        assertEquals(2, stored.get(PID).size(), "Config Admin's own service.pid and the mark: " + stored);
        assertEquals(Boolean.TRUE, stored.get(PID).get(DefaultConfiguration.MARK));
        assertFalse(defaults.provide(), "made once");
    }

    @Test
    void aFileInAWatchedFolderIsWaitedFor(@TempDir Path home) throws Exception {
        DefaultConfiguration defaults = new DefaultConfiguration(configAdmin, PID, folders(home));
        Files.writeString(home.resolve("etc").resolve(PID + ".cfg"), "port=9101\n");
        assertFalse(defaults.provide());
        assertNull(stored.get(PID), "nothing made: the deploy watcher delivers the file");
        assertEquals(home.resolve("etc").resolve(PID + ".cfg"), defaults.file().orElseThrow());
    }

    @Test
    void itsOwnDefaultsGiveWayToAFileFoundAtALaterStart(@TempDir Path home) throws Exception {
        DefaultConfiguration defaults = new DefaultConfiguration(configAdmin, PID, folders(home));
        assertTrue(defaults.provide());
        Files.writeString(home.resolve("etc").resolve(PID + ".cfg"), "# comments only\n");
        assertFalse(defaults.provide());
        assertNull(stored.get(PID), "its defaults deleted: the component waits for the file");
    }

    @Test
    void aConfigurationThereIsLeftAlone(@TempDir Path home) throws Exception {
        Hashtable<String, Object> earlier = new Hashtable<>(Map.of("port", 9101));
        stored.put(PID, earlier);
        assertFalse(new DefaultConfiguration(configAdmin, PID, folders(home)).provide());
        assertEquals(earlier, stored.get(PID));
    }

    @Test
    void aDeletedConfigurationIsMadeAgainUnlessItsFileIsThere(@TempDir Path home) throws Exception {
        DefaultConfiguration defaults = new DefaultConfiguration(configAdmin, PID, folders(home));
        assertFalse(defaults.deleted(event(ConfigurationEvent.CM_UPDATED, PID)));
        assertFalse(defaults.deleted(event(ConfigurationEvent.CM_DELETED, "org.carehost.other")));
        assertNull(stored.get(PID));
        assertTrue(defaults.deleted(event(ConfigurationEvent.CM_DELETED, PID)));
        assertNotNull(stored.get(PID));
        stored.clear();
        Files.writeString(home.resolve("deploy").resolve(PID + ".config"), "port=I\"9101\"\n");
        assertFalse(defaults.deleted(event(ConfigurationEvent.CM_DELETED, PID)), "the file is delivered instead");
        assertNull(stored.get(PID));
    }

    @Test
    void withoutWatchedFoldersTheDefaultsAreGiven() throws Exception {
        assertTrue(new DefaultConfiguration(configAdmin, PID, null).provide());
    }

    private static String folders(Path home) throws Exception {
        Files.createDirectories(home.resolve("deploy"));
        Files.createDirectories(home.resolve("etc"));
        return home.resolve("deploy") + ", " + home.resolve("etc");
    }

    @SuppressWarnings("unchecked")
    private static ConfigurationEvent event(int type, String pid) {
        ServiceReference<ConfigurationAdmin> reference = (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                DefaultConfigurationTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (p, m, a) -> null);
        return new ConfigurationEvent(reference, type, null, pid);
    }
}
