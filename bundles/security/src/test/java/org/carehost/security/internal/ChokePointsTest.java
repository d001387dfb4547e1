package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;
import org.junit.jupiter.api.Test;

/** What each hook's call asks for, as the rules see it. */
class ChokePointsTest {

    @Test
    void tasksForTheJdksExecutorsAreReportedMadeAndRunNeverRefused() {
        Runnable task = () -> { };
        java.util.concurrent.FutureTask<Void> future = new java.util.concurrent.FutureTask<>(task, null);
        assertEquals(Kind.TASK_MADE, read("java.util.concurrent.FutureTask.<init>", future).kind());
        assertEquals(future, read("java.util.concurrent.FutureTask.run", future).subject());
        assertEquals(Kind.TASK_RUN, read("java.util.concurrent.FutureTask.runAndReset", future).kind());
        java.util.concurrent.ForkJoinTask<?> forked = java.util.concurrent.ForkJoinTask.adapt(task);
        assertEquals(Kind.TASK_MADE, read("java.util.concurrent.ForkJoinTask.<init>", forked).kind());
        assertEquals(Kind.TASK_RUN, read("java.util.concurrent.ForkJoinTask.doExec", forked).kind());
        // a bare Runnable given to a ThreadPoolExecutor: its argument, handed over, then run and ended in a worker
        // (the agent's call-site hooks inside runWorker: the task as the receiver of its run(), then nothing)
        Request handed = read("java.util.concurrent.ThreadPoolExecutor.execute", null, task);
        assertEquals(Kind.TASK_HANDED, handed.kind());
        assertEquals(task, handed.subject());
        Request refused = read("java.util.concurrent.ThreadPoolExecutor.reject", null, task);
        assertEquals(Kind.TASK_REJECTED, refused.kind());
        assertEquals(task, refused.subject());
        Request runs = read("java.util.concurrent.ThreadPoolExecutor.runTask", task);
        assertEquals(Kind.TASK_RUN, runs.kind());
        assertEquals(task, runs.subject());
        assertEquals(Kind.TASK_ENDED, read("java.util.concurrent.ThreadPoolExecutor.taskDone", null).kind());
    }

    @Test
    void whatTheRedTeamFoundPastTheFileHooksIsAskedFor() {
        // a SecureDirectoryStream's own operations: openat relative to a descriptor, no path to check
        for (String method : new String[] {"newByteChannel", "newDirectoryStream", "deleteFile", "deleteDirectory", "move",
            "getFileAttributeView"}) {
            Request request = read("sun.nio.fs.UnixSecureDirectoryStream." + method, null, Paths.get("/etc/passwd"));
            assertEquals(Kind.CONTAINER, request.kind(), method);
            assertTrue(request.target().contains("SecureDirectoryStream." + method), request.target());
        }
        // File.createTempFile: a write in its folder (java.io.tmpdir when none), never a subclass's word for it
        Request temporary = read("java.io.File.createTempFile", null, "evil", ".cfg", new File("/srv/etc"));
        assertEquals(Kind.FILE_WRITE, temporary.kind());
        assertEquals("/srv/etc/<temporary file>", temporary.target());
        assertEquals(new File(System.getProperty("java.io.tmpdir"), "<temporary file>").getPath(),
                read("java.io.File.createTempFile", null, "evil", null, null).target());
        File lying = new File("/srv/etc") {
            @Override
            public String getPath() {
                return "/srv/data/plugins/evil";
            }
        };
        assertEquals(Kind.CONTAINER, read("java.io.File.createTempFile", null, "evil", null, lying).kind());
        // the Linux provider's own dos and user views, a watch service: reads of that path
        Request dos = read("sun.nio.fs.LinuxFileSystemProvider.getFileAttributeView", null, Paths.get("/srv/etc/x"),
                java.nio.file.attribute.DosFileAttributeView.class);
        assertEquals(Kind.FILE_WRITE, dos.kind());
        assertEquals("/srv/etc/x", dos.target());
        assertEquals(Kind.FILE_READ, read("sun.nio.fs.LinuxWatchService.register", null, Paths.get("/srv/etc")).kind());
        assertNull(read("sun.nio.fs.LinuxFileSystemProvider.readAttributes", null, Paths.get("/srv/etc/x"),
                java.nio.file.attribute.BasicFileAttributes.class), "the super's hook decides the rest");
        // a view by its type has setters that write with no other hook; by its name it is what getAttribute reads
        assertEquals(Kind.FILE_WRITE, read("sun.nio.fs.UnixFileSystemProvider.getFileAttributeView", null,
                Paths.get("/usr/lib/jvm/x"), java.nio.file.attribute.PosixFileAttributeView.class).kind());
        assertEquals(Kind.FILE_READ, read("sun.nio.fs.UnixFileSystemProvider.getFileAttributeView", null,
                Paths.get("/usr/lib/jvm/x"), "posix").kind());
        assertEquals(Kind.FILE_WRITE, read("sun.nio.fs.AbstractFileSystemProvider.setAttribute", null,
                Paths.get("/usr/lib/jvm/x"), "posix:permissions", null).kind());
        // the JVM's defaults: no grant allows them
        Request provider = read("java.security.Security.insertProviderAt", null, null, 1);
        assertEquals(Kind.CONTAINER, provider.kind());
        assertTrue(provider.target().contains("security providers"), provider.target());
        assertEquals(Kind.CONTAINER, read("java.util.TimeZone.setDefault", null, (Object) null).kind());
        assertEquals(Kind.CONTAINER, read("javax.net.ssl.SSLContext.setDefault", null, (Object) null).kind());
        assertEquals(Kind.CONTAINER, read("sun.misc.Signal.raise", null, (Object) null).kind());
        assertTrue(read("java.time.zone.ZoneRulesProvider.registerProvider", null, (Object) null).target()
                .contains("time-zone rules"));
        assertTrue(read("java.sql.DriverManager.setLoginTimeout", null, 1).target().contains("login timeout"));
        assertEquals(Kind.CONTAINER, read("javax.imageio.ImageIO.setCacheDirectory", null, (Object) null).kind());
        assertEquals(Kind.CONTAINER, read("java.beans.PropertyEditorManager.registerEditor", null, null, null).kind());
        assertEquals(Kind.CONTAINER, read("sun.nio.ch.sctp.SctpNet.socket", null, true).kind());
        // another process: its command line or a signal, as processes are (use:processes)
        Request destroy = read("java.lang.ProcessHandleImpl.destroyProcess", ProcessHandle.current(), true);
        assertEquals(Kind.PROCESS, destroy.kind());
        assertEquals("destroy process " + ProcessHandle.current().pid(), destroy.target());
    }

    @Test
    void fileOpensAreReadsOrWritesByTheirOptions() {
        assertEquals(Kind.FILE_READ, read("java.io.FileInputStream.open", null, "/etc/hostname").kind());
        assertEquals(Kind.FILE_WRITE, read("java.io.FileOutputStream.open", null, "/tmp/x", false).kind());
        assertEquals(Kind.FILE_READ, read("java.io.RandomAccessFile.open", null, "/tmp/x", 1).kind());
        assertEquals(Kind.FILE_WRITE, read("java.io.RandomAccessFile.open", null, "/tmp/x", 2).kind());
        assertEquals(Kind.FILE_READ, read("sun.nio.fs.UnixFileSystemProvider.newByteChannel", null,
                Paths.get("/tmp/x"), Set.of(StandardOpenOption.READ), null).kind());
        assertEquals(Kind.FILE_WRITE, read("sun.nio.fs.UnixFileSystemProvider.newByteChannel", null,
                Paths.get("/tmp/x"), Set.of(StandardOpenOption.APPEND), null).kind());
        // java.io.File's hooks pass its path field (a String), never the File, whose getPath a subclass may override
        Request rename = read("java.io.File.renameTo", "/a", new File("/b"));
        assertEquals(Kind.FILE_WRITE, rename.kind());
        assertEquals("/a", rename.target());
        assertEquals("/b", rename.subject());
        File lying = new File("/etc/passwd") {
            @Override
            public String getPath() {
                return "/tmp/harmless";
            }
        };
        Request toLiar = read("java.io.File.renameTo", "/a", lying);
        assertEquals(Kind.CONTAINER, toLiar.kind(), "a destination whose path may lie is no plugin's to rename to");
        assertTrue(toLiar.target().contains("subclass of java.io.File"));
        assertEquals(Kind.FILE_WRITE, read("java.io.File.delete", "/etc/passwd").kind());
        assertEquals("/etc/passwd", read("java.io.File.delete", "/etc/passwd").target());
        assertEquals(Kind.FILE_LINK, read("sun.nio.fs.UnixFileSystemProvider.createSymbolicLink", null,
                Paths.get("/a"), Paths.get("/b"), null).kind());
    }

    @Test
    void configAdminReadsAndWritesAreTheContainers() {
        for (String hook : java.util.List.of("org.apache.felix.cm.impl.ConfigurationAdminImpl.getConfiguration",
                "org.apache.felix.cm.impl.ConfigurationAdminImpl.createFactoryConfiguration",
                "org.apache.felix.cm.impl.ConfigurationAdapter.update",
                "org.apache.felix.cm.impl.ConfigurationAdapter.delete",
                "org.apache.felix.cm.impl.ConfigurationAdapter.getProperties")) {
            Request request = read(hook, null, "org.carehost.audit");
            assertEquals(Kind.CONTAINER, request.kind(), hook);
            assertTrue(request.target().contains("Config Admin"), request.target());
        }
        Request level = read("org.apache.felix.framework.FrameworkStartLevelImpl$BundleStartLevelImpl.setStartLevel",
                null, 10);
        assertEquals(Kind.CONTAINER, level.kind());
        assertTrue(level.framework(), "decided past the framework's own frames, by the bundle that asks");
    }

    @Test
    void bundleEntriesAreAskedOfTheBundleThatHoldsThem() {
        org.osgi.framework.Bundle bundle = (org.osgi.framework.Bundle) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.osgi.framework.Bundle.class},
                (proxy, method, args) -> method.getName().equals("getSymbolicName") ? "org.example.x"
                        : method.getName().equals("getBundleId") ? 7L : null);
        Request entry = read("org.apache.felix.framework.BundleImpl.getEntry", bundle, "OSGI-INF/a.xml");
        assertEquals(Kind.BUNDLE_ENTRIES, entry.kind());
        assertSame(bundle, entry.subject());
        assertTrue(entry.framework(), "decided past the framework's own frames");
        assertEquals("Bundle.getEntry(OSGI-INF/a.xml) on bundle org.example.x [7]", entry.target());
        assertEquals(Kind.BUNDLE, read("org.apache.felix.framework.BundleImpl.getBundleContext", bundle).kind());
        org.osgi.framework.wiring.BundleRevision revision = (org.osgi.framework.wiring.BundleRevision)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.osgi.framework.wiring.BundleRevision.class},
                        (proxy, method, args) -> method.getName().equals("getBundle") ? bundle : null);
        for (String hook : java.util.List.of("org.apache.felix.framework.BundleRevisionImpl.getInputStream",
                "org.apache.felix.framework.ExtensionManager$ExtensionManagerRevision.getLocalURL")) {
            Request content = read(hook, revision, 0, "plugin.wasm");
            assertEquals(Kind.BUNDLE_ENTRIES, content.kind(), hook);
            assertSame(bundle, content.subject(), "the bundle whose content is read, however its URL was made");
            assertEquals("read plugin.wasm in bundle org.example.x [7]", content.target());
        }
        // the hooks proposed for the agent (README, The run-time layer): a listing, and the content with no URL
        Request found = read("org.apache.felix.framework.BundleRevisionImpl.getEntry", revision, "OSGI-INF/a.xml");
        assertEquals(Kind.BUNDLE_ENTRIES, found.kind());
        assertEquals("find OSGI-INF/a.xml in bundle org.example.x [7]", found.target());
        Request content = read("org.apache.felix.framework.BundleRevisionImpl.getContent", revision);
        assertSame(bundle, content.subject());
        assertEquals("the content in bundle org.example.x [7]", content.target());
        org.osgi.framework.wiring.BundleWiring wiring = (org.osgi.framework.wiring.BundleWiring)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.osgi.framework.wiring.BundleWiring.class},
                        (proxy, method, args) -> method.getName().equals("getBundle") ? bundle : null);
        Request listed = read("org.apache.felix.framework.BundleWiringImpl.listResources", wiring, "/", "*", 1);
        assertEquals(Kind.BUNDLE_ENTRIES, listed.kind());
        assertSame(bundle, listed.subject());
        assertTrue(listed.framework());
        assertEquals("BundleWiring.listResources(/) on bundle org.example.x [7]", listed.target());
    }

    @Test
    void socketsAreConnectionsOrListenersWithTheirPorts() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Request connect = read("sun.nio.ch.Net.connect", null, null, new FileDescriptor(), loopback, 443);
        assertEquals(Kind.CONNECT, connect.kind());
        assertEquals(443, connect.port());
        Request bind = read("sun.nio.ch.Net.bind", null, null, new FileDescriptor(), loopback, 8080);
        assertEquals(Kind.LISTEN, bind.kind());
        assertEquals(8080, bind.port());
        assertEquals(Kind.LOOKUP, read("java.net.InetAddress.getByName", null, "example.org").kind());
        Request reverse = read("java.net.InetAddress.getHostFromNameService", null, loopback, true);
        assertEquals(Kind.LOOKUP, reverse.kind());
        assertEquals(loopback, reverse.subject(), "a reverse lookup names its address");
    }

    @Test
    void theJdkHttpClientIsAConnectionToItsUrisHostAndPort() {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "https://lab.example.org/results")).build();
        Request send = read("jdk.internal.net.http.HttpClientImpl.sendAsync", null, request, null, null, null);
        assertEquals(Kind.CONNECT, send.kind());
        assertEquals("lab.example.org:443", send.target());
        assertEquals(443, send.port());
        Request socket = read("jdk.internal.net.http.websocket.BuilderImpl.buildAsync", null,
                java.net.URI.create("ws://[::1]:9000/x"), null);
        assertEquals("::1:9000", socket.target());
    }

    @Test
    void foreignMemoryNeedsNativeAndJfrAndLoggingHandlersAreTheContainers() {
        assertEquals(Kind.NATIVE, read("jdk.internal.foreign.AbstractMemorySegmentImpl.reinterpret", null, 8L).kind());
        assertEquals(Kind.NATIVE, read("jdk.internal.foreign.layout.ValueLayouts$OfAddressImpl.withTargetLayout", null,
                (Object) null).kind());
        assertEquals(Kind.CONTAINER, read("jdk.jfr.consumer.EventStream.openRepository", null).kind());
        assertEquals(Kind.CONTAINER, read("jdk.jfr.FlightRecorder.addListener", null, (Object) null).kind());
        assertEquals(Kind.CONTAINER, read("java.util.logging.FileHandler.openFiles", null).kind());
        assertEquals(Kind.CONTAINER, read("java.util.logging.SocketHandler.connect", null).kind());
        assertTrue(ChokePoints.jdkMayUse("java.util.logging.FileHandler.openFiles"), "LogManager's own handlers");
    }

    @Test
    void theJvmAndItsStreamsAreTheContainers() {
        assertEquals(Kind.CONTAINER, read("java.lang.Runtime.exit", null, 3).kind());
        assertEquals(Kind.CONTAINER, read("java.lang.System.setProperty", null, "a", "b").kind());
        assertEquals(Kind.CONTAINER, read("java.io.InputStream.close", System.in).kind());
        assertEquals(Kind.CONTAINER, read("java.io.FileInputStream.close", new FileInputStream(FileDescriptor.in)).kind());
        assertNull(read("java.io.InputStream.close", new ByteArrayInputStream(new byte[0])), "any other stream");
        assertEquals(Kind.ENV, read("java.lang.System.getenv", null, "HOME").kind());
        assertTrue(read("java.lang.System.getenv", null).target().startsWith("the whole"));
    }

    @Test
    void theJdkLoadingItsOwnLibraryAndAThreadBeingSetUpNeedNoDecision() {
        assertNull(read("java.lang.Runtime.loadLibrary0", null, String.class, "net"));
        assertEquals(Kind.NATIVE, read("java.lang.Runtime.loadLibrary0", null, ChokePointsTest.class, "evil").kind());
        assertNull(read("java.lang.Thread.setDaemon", new Thread(() -> { }), true));
        assertEquals(Kind.THREAD_START, read("java.lang.Thread.start", new Thread(() -> { })).kind());
    }

    @Test
    void anUnknownHookIsTheContainersSoAPluginIsRefusedIt() {
        assertEquals(Kind.CONTAINER, read("java.lang.Nothing.here", null).kind());
    }

    private static Request read(String hook, Object self, Object... args) {
        return ChokePoints.read(hook, self, args);
    }
}
