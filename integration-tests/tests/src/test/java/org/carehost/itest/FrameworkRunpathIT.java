package org.carehost.itest;

import static org.carehost.itest.CarehostProcess.awaitFile;
import static org.carehost.itest.CarehostProcess.freshHome;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * The jars the framework runs from are unpacked into the container's folder, {@code data/cache/runpath/}, not into
 * {@code java.io.tmpdir}: bnd's launcher copied them to new temporary files at every start, which only a normal exit
 * deleted, so every {@code kill -9} left about 1.2 MB in {@code /tmp} for good (and the deploy watcher two folders).
 * Each start here has a {@code java.io.tmpdir} of its own, so what a start leaves there can be seen.
 */
public class FrameworkRunpathIT {

    @Test
    public void aKilledContainerLeavesNothingInTmpAndAWarmStartRewritesOnlyADamagedJar() throws Exception {
        List<String> runpathJars = runpathOfTheJar();
        assertEquals("the launcher bundle, Felix and bnd's launcher: " + runpathJars, 3, runpathJars.size());
        Path home = freshHome("runpath");
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        String tmpdir = "-Djava.io.tmpdir=" + tmp;
        Process killed = CarehostProcess.start(home, CarehostProcess.thisJava(), tmpdir);
        try {
            // the container has taken its folder: the framework's classes are running
            awaitFile(killed, home.resolve("data/carehost.lock"), String.valueOf(killed.pid()));
        } finally {
            killed.destroyForcibly(); // kill -9: no exit hook runs
        }
        assertTrue("the killed container ended", killed.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("nothing left in java.io.tmpdir", List.of(), leftIn(tmp));
        Path runpath = home.resolve("data/cache/runpath");
        Map<String, Object> written = fileKeys(runpath);
        assertEquals("the run path unpacked in the container's folder", runpathJars, List.copyOf(written.keySet()));

        Path felix = runpath.resolve(runpathJars.stream().filter(name -> name.startsWith("org.apache.felix.framework"))
                .findFirst().orElseThrow());
        String other = runpathJars.stream().filter(name -> name.startsWith("biz.aQute.launcher")).findFirst()
                .orElseThrow();
        long size = Files.size(felix);
        CarehostProcess.Run warm = script(home, tmpdir);
        assertEquals(warm.toString(), 0, warm.exit);
        assertTrue(warm.toString(), warm.out.contains("org.carehost.sample.hello"));
        assertEquals("a warm start writes no jar whose bytes are there already", written, fileKeys(runpath));

        try (FileChannel cut = FileChannel.open(felix, StandardOpenOption.WRITE)) {
            cut.truncate(size / 2); // a crash while it was written
        }
        CarehostProcess.Run repaired = script(home, tmpdir);
        assertEquals(repaired.toString(), 0, repaired.exit);
        assertTrue(repaired.toString(), repaired.out.contains("org.carehost.sample.hello"));
        assertEquals("the damaged jar written again, whole", size, Files.size(felix));
        Map<String, Object> after = fileKeys(runpath);
        assertEquals("the others left as they were", written.get(other), after.get(other));
        assertEquals(runpathJars, List.copyOf(after.keySet()));
        assertEquals("nothing left in java.io.tmpdir", List.of(), leftIn(tmp));
    }

    /**
     * The jars carehost.jar's manifest names for the agent to unpack ({@code Carehost-Runpath}: the build renamed bnd's
     * {@code Embedded-Runpath}, which bnd's launcher would unpack to temporary files), by file name, sorted.
     */
    private static List<String> runpathOfTheJar() throws Exception {
        try (JarFile jar = new JarFile(CarehostProcess.JAR.toFile())) {
            java.util.jar.Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("bnd's launcher finds no run path of its own", null, main.getValue("Embedded-Runpath"));
            String runpath = main.getValue("Carehost-Runpath");
            assertTrue("carehost.jar names its run path", runpath != null);
            return Stream.of(runpath.split(",")).map(String::strip).map(name -> name.substring(name.lastIndexOf('/') + 1))
                    .sorted().toList();
        }
    }

    private static CarehostProcess.Run script(Path home, String tmpdir) throws Exception {
        Process process = CarehostProcess.start(home, CarehostProcess.thisJava(), tmpdir);
        try {
            return CarehostProcess.finish(process, home, "plugin:list\n");
        } finally {
            process.destroyForcibly();
        }
    }

    /** What is in the folder: files and folders, at any depth. */
    private static List<String> leftIn(Path folder) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(path -> !path.equals(folder)).map(path -> folder.relativize(path).toString()).toList();
        }
    }

    /** Each file's name and identity (inode and time), in name order: a file written again has another. */
    private static Map<String, Object> fileKeys(Path folder) throws Exception {
        Map<String, Object> keys = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                keys.put(file.getFileName().toString(), attributes.fileKey() + " " + attributes.lastModifiedTime());
            }
        }
        return keys;
    }
}
