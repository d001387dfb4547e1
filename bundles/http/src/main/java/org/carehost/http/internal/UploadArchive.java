package org.carehost.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What an uploaded file holds, checked before anything is installed: a bundle jar, or a zip of one plugin bundle and
 * its library bundles (seed 001). Every archive (the upload and each jar in a zip) is read whole, counting what it
 * inflates to, and refused when it has too many entries, inflates past the total limit or by more than the ratio
 * (a zip bomb), or names an entry outside itself ({@code ../}, an absolute path, a drive letter, a backslash). Entry
 * names never become file names: the jars of a zip are copied to numbered files in a folder of the caller's.
 *
 * <p>Why the JDK's {@code ZipFile} and not a library: the checks need only to walk entries and count bytes while
 * inflating, which the JDK does; the OSGi framework reads the jar with the same central directory later.
 */
final class UploadArchive {

    /** The limits an upload is held to ({@code etc/org.carehost.http.cfg}). */
    record Limits(long maxUploadBytes, long maxUncompressedBytes, int maxEntries, int maxCompressionRatio) {
    }

    /** One bundle jar of an upload, with what its manifest says. */
    record Jar(Path file, String name, String symbolicName, String version, boolean plugin, String sha256, long size) {
    }

    /** Below this much inflated data the ratio is not checked: small text files compress very well. */
    static final long RATIO_FLOOR_BYTES = 1024 * 1024;

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final Limits limits;
    private long inflated;
    private int entries;

    private UploadArchive(Limits limits) {
        this.limits = limits;
    }

    /**
     * The bundle jars of {@code upload}, libraries first and the plugin last.
     *
     * @param work an empty folder the jars of a zip are copied to
     * @throws Problems.Failure 422 when the upload is unsafe, not a bundle, or holds no plugin or several
     */
    static List<Jar> open(Path upload, String name, Path work, Limits limits) throws Problems.Failure, IOException {
        return new UploadArchive(limits).read(upload, name, work);
    }

    private List<Jar> read(Path upload, String name, Path work) throws Problems.Failure, IOException {
        List<Path> inner = new ArrayList<>();
        List<String> innerNames = new ArrayList<>();
        Manifest manifest = check(upload, name, work, inner, innerNames);
        if (manifest != null && symbolicName(manifest) != null) {
            return List.of(jar(upload, name, manifest, true));
        }
        if (inner.isEmpty()) {
            throw notABundle(name + " is not an OSGi bundle: " + (manifest == null ? "it has no manifest "
                    + "(META-INF/MANIFEST.MF)" : "its manifest has no Bundle-SymbolicName") + ", and it holds no bundle "
                    + "jars. Upload a bundle jar (built with bnd or the bnd-maven-plugin), or a zip of one plugin "
                    + "bundle and its library bundles.");
        }
        List<Jar> libraries = new ArrayList<>();
        List<Jar> plugins = new ArrayList<>();
        for (int i = 0; i < inner.size(); i++) {
            Manifest own = check(inner.get(i), innerNames.get(i), null, null, null);
            if (own == null || symbolicName(own) == null) {
                throw notABundle(innerNames.get(i) + " in " + name + " is not an OSGi bundle (its manifest has no "
                        + "Bundle-SymbolicName); every jar in the zip must be a bundle.");
            }
            Jar jar = jar(inner.get(i), innerNames.get(i), own, isPlugin(own));
            (jar.plugin() ? plugins : libraries).add(jar);
        }
        if (plugins.size() != 1) {
            throw new Problems.Failure(422, "not-one-plugin", "Not one plugin", name + " holds " + plugins.size()
                    + " plugin bundles (a bundle with Service-Component or Carehost-Permissions)"
                    + (plugins.isEmpty() ? "" : ": " + plugins.stream().map(Jar::name).toList())
                    + "; a zip holds exactly one plugin and its library bundles.");
        }
        List<Jar> ordered = new ArrayList<>(libraries);
        ordered.addAll(plugins);
        return ordered;
    }

    /**
     * Reads every entry of one archive, counting entries and inflated bytes; returns its manifest (null when it has
     * none). When {@code work} is given, its {@code .jar} entries are copied there as numbered files.
     */
    private Manifest check(Path archive, String name, Path work, List<Path> jars, List<String> jarNames)
            throws Problems.Failure, IOException {
        long size = Files.size(archive);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            if (entries + zip.size() > limits.maxEntries()) {
                throw unsafe(name + " has " + (entries + zip.size()) + " entries" + (entries > 0 ? " with the upload's"
                        : "") + "; at most " + limits.maxEntries() + " are accepted (maxEntries).");
            }
            entries += zip.size();
            long own = 0;
            byte[] buffer = new byte[64 * 1024];
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry entry = all.nextElement();
                String problem = unsafeName(entry.getName());
                if (problem != null) {
                    throw unsafe(name + " has an entry '" + printable(entry.getName()) + "' " + problem
                            + "; nothing was installed.");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                boolean keep = work != null && entry.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".jar");
                Path copy = keep ? work.resolve("jar-" + jars.size() + ".jar") : null;
                try (InputStream in = zip.getInputStream(entry);
                        OutputStream out = keep ? Files.newOutputStream(copy) : OutputStream.nullOutputStream()) {
                    int read;
                    while ((read = in.read(buffer)) > 0) {
                        own += read;
                        inflated += read;
                        if (inflated > limits.maxUncompressedBytes()) {
                            throw unsafe(name + " inflates to more than " + limits.maxUncompressedBytes()
                                    + " bytes (maxUncompressedBytes): refused as a zip bomb.");
                        }
                        if (own > RATIO_FLOOR_BYTES && own > size * limits.maxCompressionRatio()) {
                            throw unsafe(name + " inflates more than " + limits.maxCompressionRatio() + " times its "
                                    + size + " bytes (maxCompressionRatio): refused as a zip bomb.");
                        }
                        out.write(buffer, 0, read);
                    }
                }
                if (keep) {
                    jars.add(copy);
                    jarNames.add(entry.getName());
                }
            }
            ZipEntry manifest = zip.getEntry(JarFile.MANIFEST_NAME);
            if (manifest == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(manifest)) {
                return new Manifest(in);
            }
        } catch (ZipException e) {
            throw notABundle(name + " is not a jar or zip file (" + e.getMessage() + ").");
        }
    }

    /** Why an entry name points outside the archive, or null when it does not. */
    static String unsafeName(String entry) {
        if (entry.isEmpty() || entry.indexOf('\0') >= 0) {
            return "with an empty name or a NUL character";
        }
        if (entry.startsWith("/") || DRIVE.matcher(entry).matches()) {
            return "with an absolute path";
        }
        if (entry.indexOf('\\') >= 0) {
            return "with a backslash (a Windows path)";
        }
        for (String segment : entry.split("/")) {
            if (segment.equals("..")) {
                return "that climbs out of the archive (..)";
            }
        }
        return null;
    }

    private static Jar jar(Path file, String name, Manifest manifest, boolean plugin) throws IOException {
        String version = manifest.getMainAttributes().getValue("Bundle-Version");
        return new Jar(file, name, symbolicName(manifest), version == null ? "0.0.0" : version.strip(), plugin,
                sha256(file), Files.size(file));
    }

    static String symbolicName(Manifest manifest) {
        String value = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.split(";")[0].strip();
    }

    private static boolean isPlugin(Manifest manifest) {
        Attributes main = manifest.getMainAttributes();
        return main.getValue("Service-Component") != null || main.getValue("Carehost-Permissions") != null;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String printable(String name) {
        String shown = name.length() > 200 ? name.substring(0, 200) + "…" : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static Problems.Failure unsafe(String detail) {
        return new Problems.Failure(422, "unsafe-archive", "Unsafe archive", detail);
    }

    private static Problems.Failure notABundle(String detail) {
        return new Problems.Failure(422, "not-a-bundle", "Not a bundle", detail);
    }
}
