package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.carehost.itest.CarehostProcess.freshHomeOnOwnPorts;
import static org.carehost.itest.CarehostProcess.start;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.Test;

/**
 * A plugin replaced in {@code deploy/} while {@code carehost.jar} runs (a hot reload), as a plugin developer does it.
 */
public class DeployReloadIT {

    /**
     * The reload stops the plugin once and starts the new version once. Before, the bnd launcher's start-level handler
     * set the updated plugin's start level again at the framework's UPDATED event, and the framework started it on its
     * start-level thread between the deploy watcher's update and its refresh, which stopped and started it again: each
     * reload activated the plugin's components twice (activated, deactivated, activated), and the watcher never started
     * the new version itself (it found it active). The watcher logs its own start of the plugin at the end of its
     * cycle: that is the signal this waits for, the second time (the first is the plugin's install).
     */
    @Test
    public void aPluginReloadedFromTheDeployFolderIsStoppedOnceAndStartedOnce() throws Exception {
        Path home = freshHomeOnOwnPorts("reload");
        Process process = start(home, CarehostProcess.thisJava());
        Path log = home.resolve("data/log/carehost.log");
        String watcherStarted = "Started bundle: " + home.resolve("deploy/hello.jar").toUri().toString()
                .replace("file:///", "file:/");
        try {
            awaitFile(process, log, "hello plugin activated");
            awaitFile(process, log, watcherStarted);
            Path next = home.resolve("hello-next.jar");
            withOneMoreEntry(home.resolve("deploy/hello.jar"), next);
            Files.move(next, home.resolve("deploy/hello.jar"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.currentTimeMillis() + 120_000;
            while (count(Files.readString(log), watcherStarted) < 2) {
                assertTrue("the deploy watcher did not start the reloaded plugin itself (something else started it "
                        + "during its update?):\n" + Files.readString(log), System.currentTimeMillis() < deadline
                                && process.isAlive());
                Thread.sleep(50);
            }
            String logged = Files.readString(log);
            assertEquals("activated at its install and once after the reload:\n" + logged, 2,
                    count(logged, "hello plugin activated"));
            assertEquals("deactivated once, by the reload:\n" + logged, 1, count(logged, "hello plugin deactivated"));
        } finally {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    /**
     * {@code plugin:update} from the plugin's own file likewise stops it once and starts it once. Before, the framework's
     * update started the new version at once and the refresh after it stopped and started it again.
     */
    @Test
    public void pluginUpdateStopsThePluginOnceAndStartsItOnce() throws Exception {
        Path home = freshHomeOnOwnPorts("update");
        Process process = start(home, CarehostProcess.thisJava());
        Path log = home.resolve("data/log/carehost.log");
        try (java.io.OutputStream in = process.getOutputStream()) {
            awaitFile(process, log, "hello plugin activated");
            in.write("plugin:update org.carehost.sample.hello\necho update-done\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitFile(process, home.resolve("stdout.txt"), "update-done");
            String out = Files.readString(home.resolve("stdout.txt"));
            assertTrue(out, out.contains("updated"));
            String logged = Files.readString(log);
            assertEquals("activated at its install and once by the update:\n" + logged, 2,
                    count(logged, "hello plugin activated"));
            assertEquals("deactivated once, by the update:\n" + logged, 1, count(logged, "hello plugin deactivated"));
        } finally {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    /**
     * A working directory copied to another path (a backup restored elsewhere) keeps its deploy plugins, now from its
     * own deploy folder. Before (found trying it as an operator would), the framework's cache named each plugin by its
     * file in the old folder, and the deploy watcher refused every file of the new one as a second copy ("Deploy file
     * hello.jar FAILED: ... installed from file <old>/deploy/hello.jar"), and managed none of them.
     */
    @Test
    public void aCopiedFolderRunsItsDeployPluginsFromItsOwnFiles() throws Exception {
        Path first = freshHome("moved-from");
        CarehostProcess.Run before = CarehostProcess.script(first, CarehostProcess.thisJava(), "plugin:list\n");
        assertEquals(before.toString(), 0, before.exit);
        assertTrue(before.toString(), before.out.contains("org.carehost.sample.hello"));
        Path copy = first.resolveSibling("moved-to-" + System.nanoTime());
        copyTree(first, copy);
        CarehostProcess.Run after = CarehostProcess.script(copy, CarehostProcess.thisJava(),
                "plugin:list\nplugin:why hello.jar\n");
        assertEquals(after.toString(), 0, after.exit);
        assertTrue(after.toString(), after.err.contains("this folder was copied or moved from another path"));
        assertTrue("not refused as a second copy: " + after, !after.err.contains("FAILED"));
        assertTrue(after.toString(), after.out.lines().anyMatch(line -> line.contains("org.carehost.sample.hello")
                && line.contains("ACTIVE")));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(from)) {
            for (Path source : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** A new build of the same plugin: every entry of {@code jar}, and one more (so the deploy watcher sees a change). */
    private static void withOneMoreEntry(Path jar, Path to) throws IOException {
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                try (InputStream content = in.getInputStream(entry)) {
                    content.transferTo(out);
                }
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("reloaded.txt"));
            out.write("next build\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }
}
