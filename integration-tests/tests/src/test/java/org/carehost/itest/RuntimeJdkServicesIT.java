package org.carehost.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The run-time layer's JDK-service choke points against {@code evil-jdk-services}, a plugin granted use:reflection and
 * use:files that reaches, through the system class loader, the foreign linker and java.lang.foreign's restricted
 * memory methods (use:native; JDK 22 and later: on JDK 17 the API is absent), the flight recorder and JDK logging's
 * file and socket handlers and global configuration (no plugin's). Each denial is asserted with what did not happen:
 * no file, no connection on the test's loopback listener, the root logger's handlers and level unchanged, the
 * container answering. Runs on JDK 17 and 25.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeJdkServicesIT {

    private static final String ATTACKER = "org.carehost.fixture.evil.jdkservices";

    @Inject
    BundleContext context;

    @Inject
    SecurityAdmin security;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("runtime-jdk-services")};
    }

    @Test
    public void foreignCodeAndMemoryNeedUseNative() throws Exception {
        attacker();
        if (Runtime.version().feature() >= 22) {
            assertDenied(attack("linker"), "use:native");
            assertDenied(attack("library-lookup:libc.so.6"), "use:native");
            assertDenied(attack("reinterpret"), "MemorySegment.reinterpret) without use:native");
            assertDenied(attack("target-layout"), "AddressLayout.withTargetLayout) without use:native");
        } else {
            // JDK 17: java.lang.foreign does not exist, so there is nothing to reach
            String answer = attack("linker");
            assertTrue(answer, answer.startsWith("failed: java.lang.ClassNotFoundException: java.lang.foreign.Linker"));
        }
        // the incubator module is not in the boot layer on either JDK (no --add-modules), so a plugin cannot load it
        String incubator = attack("incubator-linker");
        assertTrue(incubator, incubator.startsWith("failed: java.lang.ClassNotFoundException"));
        assertContainerAnswers();
    }

    @Test
    public void theFlightRecorderIsNoPlugins() throws Exception {
        attacker();
        Path dump = Fixtures.workFolder("evil-jfr").resolve("dump.jfr");
        assertDenied(attack("jfr-dump:" + dump), "flight recorder");
        assertFalse("no recording dumped", Files.exists(dump));
        // nor in its own folder: the recorder reveals the whole JVM (other plugins' and the container's threads and data)
        Path ownDump = java.nio.file.Paths.get(context.getProperty("carehost.plugins.data")).toAbsolutePath()
                .resolve(ATTACKER).resolve("dump.jfr");
        assertDenied(attack("jfr-dump:" + ownDump), "flight recorder");
        assertFalse(Files.exists(ownDump));
        assertDenied(attack("jfr-stream"), "flight recorder");
        assertDenied(attack("jfr-recorder"), "flight recorder");
        assertDenied(attack("jfr-repository"), "flight recorder");
        assertDenied(attack("jfr-listener"), "flight recorder");
        assertContainerAnswers();
    }

    @Test
    public void jdkLoggingHandlersAndConfigurationAreNoPlugins() throws Exception {
        attacker();
        Path folder = Fixtures.workFolder("evil-jul");
        assertDenied(attack("log-file:" + folder + "/evil%u.log"), "FileHandler");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals("no log file, no lock file", List.of(), files.collect(java.util.stream.Collectors.toList()));
        }
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(10_000);
            assertDenied(attack("log-socket:" + listener.getLocalPort()), "SocketHandler");
            try (Socket own = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    Socket first = listener.accept()) {
                assertEquals("the first connection the listener sees is the test's own", own.getLocalPort(),
                        first.getPort());
            }
        }
        Logger root = Logger.getLogger("");
        Handler[] handlers = root.getHandlers();
        Level level = root.getLevel();
        assertDenied(attack("log-reset"), "configure JDK logging (LogManager.reset)");
        assertDenied(attack("log-config"), "configure JDK logging (LogManager.readConfiguration)");
        assertDenied(attack("log-root-level"), "Logger.setLevel on ''");
        assertDenied(attack("log-root-handler"), "Logger.addHandler on ''");
        assertEquals("its own logger is its own to configure", "done: set", attack("log-own-level"));
        assertArrayEquals("the root logger keeps its handlers", handlers, root.getHandlers());
        assertEquals("and its level", level, root.getLevel());
        assertContainerAnswers();
    }

    @Test
    public void aSecureDirectoryStreamATemporaryFileAndADosViewReachNothingOutsideItsFolder() throws Exception {
        attacker();
        Path own = java.nio.file.Paths.get(context.getProperty("carehost.plugins.data")).toAbsolutePath()
                .resolve(ATTACKER);
        Files.createDirectories(own);
        Path folder = Fixtures.workFolder("evil-sds");
        Path secret = Files.writeString(folder.resolve("secret.txt"), "the container's secret");
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(secret);
        // its own folder's stream is one it may list; what the stream's own operations reach is not its folder
        assertDenied(attack("sds-read:" + own + "|" + secret), "SecureDirectoryStream.newByteChannel");
        assertDenied(attack("sds-write:" + own + "|" + folder.resolve("written.txt")),
                "SecureDirectoryStream.newByteChannel");
        assertDenied(attack("sds-delete:" + own + "|" + secret), "SecureDirectoryStream.deleteFile");
        // File.createTempFile never calls the hooked createNewFile: a write in that folder all the same
        assertDenied(attack("temp-file:" + folder), "<temporary file>, outside its folder");
        // the dos view, which the Linux provider makes without its super's hooked method
        assertDenied(attack("dos-times:" + secret), "secret.txt, outside its folder");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals("nothing written, nothing deleted", List.of(secret),
                    files.collect(java.util.stream.Collectors.toList()));
        }
        assertEquals("the secret is as it was", "the container's secret", Files.readString(secret));
        assertEquals("its times too", written, Files.getLastModifiedTime(secret));
        // OSGi filter matching makes a PrintWriter on the filter's text (by reflection, in the framework's code): the
        // plugin that asked for the match is its cause, directly and through a service look-up. The framework swallows
        // what the constructor throws (the match is false), so what shows the refusal is the file, left as it was.
        assertEquals("done: matched: false", attack("filter-truncate:" + secret));
        assertEquals("not emptied by a match", "the container's secret", Files.readString(secret));
        assertEquals("done: found: null", attack("filter-lookup:" + secret));
        assertEquals("not emptied by a look-up", "the container's secret", Files.readString(secret));
        // a temporary file in its own folder is its own (the hook refuses no more than the folder rule)
        String ownTemporary = attack("temp-file:" + own);
        assertTrue(ownTemporary, ownTemporary.startsWith("done: " + own.resolve("evil")));
        assertContainerAnswers();
    }

    @Test
    public void theJvmsDefaultsSignalsAndOtherProcessesAreNoPlugins() throws Exception {
        attacker();
        java.security.Provider[] providers = java.security.Security.getProviders();
        java.util.Locale locale = java.util.Locale.getDefault();
        java.util.TimeZone zone = java.util.TimeZone.getDefault();
        java.net.ProxySelector proxies = java.net.ProxySelector.getDefault();
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getDefault();
        // the container's ciphers take the first provider that offers one: a plugin's first would be handed the data key
        assertDenied(attack("provider-remove:SunJCE"), "security providers");
        assertDenied(attack("provider-insert:SunRsaSign"), "security providers");
        // an installed provider emptied, or an entry of its replaced: the container's ciphers come from it
        int sunJceEntries = java.security.Security.getProvider("SunJCE").size();
        assertDenied(attack("provider-clear:SunJCE"), "security provider");
        assertDenied(attack("provider-put:SunJCE"), "security provider");
        // and through the JDK's own methods over it (Properties.setProperty and load, a synchronized view)
        assertDenied(attack("provider-set-property:SunJCE"), "security provider");
        assertDenied(attack("provider-load:SunJCE"), "security provider");
        assertDenied(attack("provider-synchronized-clear:SunJCE"), "security provider");
        assertEquals("SunJCE as it was", sunJceEntries, java.security.Security.getProvider("SunJCE").size());
        assertEquals("SunJCE", javax.crypto.Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName());
        assertDenied(attack("locale"), "default locale");
        assertDenied(attack("timezone"), "default time zone");
        assertDenied(attack("proxy:9"), "default proxy selector");
        assertDenied(attack("tls"), "default TLS context");
        // more of the JVM's: JDBC's login timeout (the store's connections), a time-zone rules provider of its own (its
        // code would run in every zone look-up), image I/O's cache folder, a JavaBeans editor for String
        int loginTimeout = java.sql.DriverManager.getLoginTimeout();
        java.io.File imageCache = javax.imageio.ImageIO.getCacheDirectory();
        assertDenied(attack("login-timeout"), "JDBC log writer and login timeout");
        assertDenied(attack("zone-rules"), "time-zone rules");
        assertDenied(attack("imageio-cache:" + Path.of("etc").toAbsolutePath()), "image I/O cache");
        assertDenied(attack("bean-editor"), "property editors");
        assertEquals(loginTimeout, java.sql.DriverManager.getLoginTimeout());
        assertFalse("no zone of the plugin's", java.time.ZoneId.getAvailableZoneIds().contains("Carehost/Forged"));
        assertEquals(imageCache, javax.imageio.ImageIO.getCacheDirectory());
        java.beans.PropertyEditor stringEditor = java.beans.PropertyEditorManager.findEditor(String.class);
        assertTrue("the JDK's editor for String: " + stringEditor,
                stringEditor == null || stringEditor.getClass() != java.beans.PropertyEditorSupport.class);
        assertDenied(attack("signal-raise"), "sun.misc.Signal.raise");
        assertDenied(attack("signal-handle"), "sun.misc.Signal.handle");
        assertArrayEquals("the providers as they were", providers, java.security.Security.getProviders());
        assertEquals(locale, java.util.Locale.getDefault());
        assertEquals(zone, java.util.TimeZone.getDefault());
        assertTrue(proxies == java.net.ProxySelector.getDefault());
        assertTrue(tls == javax.net.ssl.SSLContext.getDefault());
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            assertDenied(attack("process-info:" + sleeper.pid()), "read the command line of process " + sleeper.pid()
                    + " without use:processes");
            assertDenied(attack("process-destroy:" + sleeper.pid()), "destroy process " + sleeper.pid()
                    + " without use:processes");
            assertTrue("the other process lives", sleeper.isAlive());
        } finally {
            sleeper.destroyForcibly();
        }
        assertContainerAnswers();
    }

    // ---- helpers

    private Bundle attacker() throws Exception {
        Bundle plugin = Fixtures.installed(context, ATTACKER).orElse(null);
        if (plugin == null) {
            plugin = Fixtures.installAsPlugin(context, ContainerOptions.bundleFile("carehost-fixture-evil-jdk-services"));
            security.grant(ATTACKER, List.of(Permission.USE_REFLECTION, Permission.USE_FILES));
        }
        Bundle attacker = plugin;
        Await.until("the attacker runs", 20_000, () -> {
            if (attacker.getState() != Bundle.ACTIVE) {
                try {
                    attacker.start();
                } catch (org.osgi.framework.BundleException notYet) {
                    return false;
                }
            }
            return Fixtures.hasFunctionProbe(context, "jdk-services");
        });
        return plugin;
    }

    /** The container carries on: its security manager answers and the attacker is still a running plugin. */
    private void assertContainerAnswers() throws Exception {
        assertTrue(security.status().runtimeLayer(), security.status().runtimeLayer().startsWith("on"));
        assertEquals(Bundle.ACTIVE, Fixtures.bundle(context, "org.carehost.security").getState());
        assertTrue(attack("unknown").startsWith("done: unknown attack"));
    }

    private String attack(String attack) throws Exception {
        return Fixtures.applyProbe(context, "jdk-services", attack);
    }

    private static void assertDenied(String answer, String reasonPart) {
        assertTrue("expected a denial (" + reasonPart + "): " + answer, answer.startsWith("denied: "));
        assertTrue("expected '" + reasonPart + "' in: " + answer, answer.contains(reasonPart));
    }
}
