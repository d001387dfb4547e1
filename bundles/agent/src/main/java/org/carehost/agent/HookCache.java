package org.carehost.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.carehost.agent.HookFile.Entry;

/**
 * What {@link HookWriter} made of each hooked class at an earlier start, kept so that a later start gives the JVM the
 * same bytes without running ASM: its first, cold run over the hooked classes (the JDK's {@code File}, streams,
 * {@code Thread}, {@code ServiceLoader}, ..., the framework's {@code Felix}) was most of what placing the hooks cost a
 * warm start (benchmarks/README.md). A kept result is given only for exactly the input it was made from (the class's
 * name and the class file the JVM passes, compared byte for byte: a checksum would let a plugin craft a class of a
 * hooked class's name whose hooked bytes a later start would give the JDK's or the framework's own class), and only by
 * the agent that made it: the file names the agent's identity ({@link HookFile#identity}: checksums of the agent's own classes,
 * ASM and the hook table among them). Since the same input gives the same output, a hit changes no hook.
 *
 * <p>Only {@code java -jar carehost.jar} keeps one, in {@code data/cache/agent/hooks} of the container's folder, beside
 * the framework's bundle cache: the same trust (whoever can write there can already replace the bundles the framework
 * runs), and out of every plugin's reach as all of {@code data/cache} is. The file ends with a CRC-32 of all before it,
 * and one that does not check (cut short, pages lost in a crash) or whose folder or file is a link or writable by
 * others is not used; the agent deletes it when it fails to hook. It is written only if {@code data/cache} is there
 * already (never making the container's folders), owner-only, into a file of its own that is forced to disk and then
 * renamed into place; after the agent's hooks are placed and again as the JVM exits, each time only if a class was
 * hooked that the file lacks, and only if the agent classes this JVM runs are those of the jar the identity was read
 * from (a jar replaced while the JVM started would otherwise have this build's output kept under the next one's name).
 * The file's format and its reading and writing: {@link HookFile}. A class name keeps up to {@value #PER_NAME} class files (a plugin's class of a hooked name is hooked too, and kept
 * beside the JDK's rather than instead of it), each at most {@value #LARGEST_CLASS} bytes, at most
 * {@value #LARGEST_FRESH} bytes in all a run. Written here, not taken from a library: it is a map written to one file,
 * and nothing outside the JDK can load this early.
 */
final class HookCache {

    /** The cache of {@code java -jar carehost.jar}, relative to its working directory, the container's folder. */
    static final String FILE = "data/cache/agent/hooks";

    private static final int LARGEST_CLASS = 2 << 20;
    private static final int LARGEST_FRESH = 16 << 20;
    private static final int PER_NAME = HookFile.PER_NAME;
    /** The agent's classes whose bytes in the jar must be those this JVM runs before anything is written. */
    private static final String[] CODE = {"org/carehost/agent/Agent.class", "org/carehost/agent/Hooks.class",
        "org/carehost/agent/HookWriter.class", "org/carehost/agent/HookTransformer.class",
        "org/carehost/agent/HookCache.class", "org/carehost/agent/HookFile.class"};

    private final Path file;
    private final long identity;
    /** Whether this JVM runs the agent classes of the jar the identity was read from ({@link JarCheck}). */
    private final java.util.function.BooleanSupplier runsThisJar;
    /** Read back at start, then only read, by every thread that loads a hooked class: never changed. */
    private final Map<String, Entry[]> kept;
    /** Hooked during this run and not in the file yet. Guarded by itself. */
    private final List<Entry> fresh = new ArrayList<>();
    /** The bytes of {@link #fresh} in all. Guarded by {@link #fresh}. */
    private long freshBytes;
    /** What the file holds: {@link #kept}, then what {@link #save} wrote. Guarded by {@link #saving}. */
    private Map<String, List<Entry>> onFile = new HashMap<>();
    private final Object saving = new Object();

    private HookCache(Path file, long identity, java.util.function.BooleanSupplier runsThisJar,
            Map<String, Entry[]> kept) {
        this.file = file;
        this.identity = identity;
        this.runsThisJar = runsThisJar;
        this.kept = kept;
        for (Map.Entry<String, Entry[]> named : kept.entrySet()) {
            onFile.put(named.getKey(), new ArrayList<>(List.of(named.getValue())));
        }
        // loads what a look-up and a note need, so that no class is first loaded inside the transformer
        java.util.Arrays.equals(new byte[1], new byte[1]);
        new Entry("", new byte[0], new byte[0]).hashCode();
    }

    /** No cache: every class is hooked by ASM (tests' {@code -javaagent}, or an agent not run from a jar). */
    static HookCache none() {
        return new HookCache(null, 0, null, new HashMap<>());
    }

    /**
     * The cache in {@code file} for the agent in {@code jar}; empty if the file is missing, another agent's, broken,
     * or not the container's alone.
     */
    static HookCache open(Path file, java.util.jar.JarFile jar) {
        return open(file, HookFile.identity(jar), new JarCheck(jar));
    }

    /** The cache in {@code file} for an agent of this identity, written only while {@code runsThisJar} says so. */
    static HookCache open(Path file, long identity, java.util.function.BooleanSupplier runsThisJar) {
        return new HookCache(file, identity, runsThisJar, HookFile.read(file, identity));
    }




    /** What the hooks made of exactly this class file at an earlier start, or null. */
    byte[] lookup(String className, byte[] original) {
        Entry[] entries = kept.get(className);
        if (entries == null) {
            return null;
        }
        for (Entry entry : entries) {
            if (java.util.Arrays.equals(entry.original, original)) {
                return entry.hooked.clone();
            }
        }
        return null;
    }

    /** Notes what the hooks made of a class, to be written with the file's next save (within the bounds above). */
    void remember(String className, byte[] original, byte[] hooked) {
        if (file == null || original.length > LARGEST_CLASS || hooked.length > LARGEST_CLASS) {
            return;
        }
        synchronized (fresh) {
            long bytes = (long) original.length + hooked.length;
            if (freshBytes + bytes > LARGEST_FRESH) {
                return;
            }
            fresh.add(new Entry(className, original.clone(), hooked.clone()));
            freshBytes += bytes;
        }
    }

    /**
     * Writes the file again if a class was hooked that it lacks. Does nothing without {@code data/cache}, nor when the
     * agent classes this JVM runs are not those of the jar the identity came from. A failure leaves the file as it was
     * (the next start hooks the missing classes again) and is not reported: the cache only saves time. Classes hooked
     * while it writes wait for the next save, not for the write.
     */
    void save() {
        if (file == null || !Files.isDirectory(file.getParent().getParent())) {
            return;
        }
        synchronized (saving) {
            List<Entry> written;
            synchronized (fresh) {
                if (fresh.isEmpty()) {
                    return;
                }
                written = new ArrayList<>(fresh);
            }
            try {
                if (!runsThisJar.getAsBoolean()) {
                    return;
                }
                Map<String, List<Entry>> all = merged(written);
                if (!HookFile.write(file, identity, all)) {
                    return;
                }
                onFile = all;
                synchronized (fresh) {
                    for (Entry entry : written) {
                        fresh.remove(entry); // by identity: Entry keeps Object's equals
                        freshBytes -= (long) entry.original.length + entry.hooked.length;
                    }
                }
            } catch (Throwable failed) {
                // the file stays as it was
            }
        }
    }

    /** The file's entries and the written ones: a name's newest first, a class file once, at most {@link #PER_NAME}. */
    private Map<String, List<Entry>> merged(List<Entry> written) {
        Map<String, List<Entry>> all = new HashMap<>();
        for (Map.Entry<String, List<Entry>> named : onFile.entrySet()) {
            all.put(named.getKey(), new ArrayList<>(named.getValue()));
        }
        for (Entry entry : written) {
            List<Entry> named = all.computeIfAbsent(entry.name, name -> new ArrayList<>());
            named.removeIf(other -> java.util.Arrays.equals(other.original, entry.original));
            named.add(0, entry);
            while (named.size() > PER_NAME) {
                named.remove(named.size() - 1);
            }
        }
        return all;
    }


    /** Deletes the file: the agent failed to hook, and what it holds may be why. Quietly: the start fails anyway. */
    void discard() {
        if (file != null) {
            HookFile.deleteQuietly(file);
        }
    }

    /**
     * Whether the agent classes this JVM runs are those of the jar the identity was read from: each of {@link #CODE} as
     * its class loader reads it (from the jar the JVM opened when it started) against the CRC-32 in the jar read by
     * its path. Asked only before a write, off the start's path. A class, not a lambda: made before {@code main}.
     */
    private static final class JarCheck implements java.util.function.BooleanSupplier {
        private final long[] code = new long[CODE.length];

        JarCheck(java.util.jar.JarFile jar) {
            for (int i = 0; i < CODE.length; i++) {
                java.util.zip.ZipEntry entry = jar.getEntry(CODE[i]);
                code[i] = entry == null ? -1 : entry.getCrc();
            }
        }

        @Override
        public boolean getAsBoolean() {
            ClassLoader loader = HookCache.class.getClassLoader();
            for (int i = 0; i < CODE.length; i++) {
                try (InputStream in = loader == null ? null : loader.getResourceAsStream(CODE[i])) {
                    if (in == null || code[i] == -1) {
                        return false;
                    }
                    CRC32 crc = new CRC32();
                    crc.update(in.readAllBytes());
                    if (crc.getValue() != code[i]) {
                        return false;
                    }
                } catch (IOException unreadable) {
                    return false;
                }
            }
            return true;
        }
    }

    /** How many class files the file holds or will hold at the next save: for tests. */
    int size() {
        synchronized (saving) {
            List<Entry> pending;
            synchronized (fresh) {
                pending = new ArrayList<>(fresh);
            }
            int size = 0;
            for (List<Entry> named : merged(pending).values()) {
                size += named.size();
            }
            return size;
        }
    }





}
