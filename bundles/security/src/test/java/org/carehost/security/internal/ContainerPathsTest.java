package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/**
 * The container's files as the run-time rules see them: the security manager's own settings (policy folder, trust
 * store, the plugins' root) and the folders other configurations name (the audit's, the cipher's), which follow
 * those configurations as they change. The context is a stand-in with no framework properties.
 */
class ContainerPathsTest {

    @TempDir
    Path dir;

    private ContainerPaths paths() {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> null);
        return new ContainerPaths(context, new SecuritySettings(dir.resolve("sec/policy"), dir.resolve("trusted"),
                dir.resolve("plugins")));
    }

    @Test
    void theSecurityManagersSettingsNameTheContainersFilesAndThePluginsRoot() {
        ContainerPaths paths = paths();
        assertTrue(paths.isContainers(paths.resolve(dir.resolve("sec/policy.bak").toString())));
        assertTrue(paths.isContainers(paths.resolve(dir.resolve("trusted/acme.pem").toString())));
        assertFalse(paths.isContainers(paths.resolve(dir.resolve("plugins/org.example/x").toString())));
        assertEquals(paths.resolve(dir.resolve("plugins").toString()), paths.pluginRoot());
    }

    @Test
    void foldersAConfigurationNamesAreTheContainersWhileItNamesThem() {
        ContainerPaths paths = paths();
        Path journal = paths.resolve(dir.resolve("audit/journal/segment-1").toString());
        Path keyBackup = paths.resolve(dir.resolve("audit-keys/audit-signing.key.old").toString());
        assertFalse(paths.isContainers(journal));
        paths.configured("org.carehost.audit", List.of("file:" + dir.resolve("audit-keys/audit-signing.key"),
                dir.resolve("audit/journal").toString()));
        assertTrue(paths.isContainers(journal));
        assertTrue(paths.isContainers(keyBackup), "a key file's folder");
        assertFalse(paths.isContainers(paths.resolve(dir.resolve("audit/other").toString())));
        paths.configured("org.carehost.audit", List.of());
        assertFalse(paths.isContainers(journal), "no longer named: the defaults alone");
    }

    @Test
    void aSymbolicNameThatIsNotAPlainFolderNameHasNoFolder() {
        ContainerPaths paths = paths();
        Path root = paths.pluginRoot();
        assertEquals(root.resolve("org.example.victim"), paths.pluginFolder("org.example.victim"));
        // the framework accepts these as symbolic names: they would be another plugin's folder, or all of them
        for (String name : new String[] {"x/../org.example.victim", ".", "..", "../plugins", "a\\b", ""}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> paths.pluginFolder(name),
                    name);
            assertFalse(ContainerPaths.isPlainName(name), name);
        }
    }
}
