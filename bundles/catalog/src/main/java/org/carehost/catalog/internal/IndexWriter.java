package org.carehost.catalog.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.carehost.catalog.CatalogException;
import org.carehost.sdk.security.Permissions;

import aQute.bnd.osgi.repository.SimpleIndexer;
import aQute.bnd.osgi.resource.CapReqBuilder;

/**
 * Writes an R5 index of a folder of bundle jars with bnd's {@link SimpleIndexer}, adding to each bundle a
 * {@code carehost.plugin} capability with its declared permissions ({@code Carehost-Permissions}) and its signer.
 * Content URLs are relative to the index's folder, so that the folder can be served as it is (a static web server)
 * or read from disk. Used by {@code catalog:index} and by the build ({@link #main}).
 */
public final class IndexWriter {

    private IndexWriter() {
    }

    /** {@code java -cp ... IndexWriter <folder> <out>}: the build's step that publishes the samples. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: IndexWriter <folder of bundle jars> <index.xml>");
            System.exit(2);
        }
        int count = write(Path.of(args[0]), Path.of(args[1]));
        System.out.println("Indexed " + count + " bundles into " + args[1]);
    }

    static int write(Path folder, Path out) throws CatalogException {
        if (!Files.isDirectory(folder)) {
            throw new CatalogException(folder + " is not a folder; give the folder that holds the bundle jars.");
        }
        List<File> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted()
                    .forEach(f -> jars.add(f.toFile()));
        } catch (IOException e) {
            throw new CatalogException("Cannot list " + folder + ": " + e.getMessage(), e);
        }
        List<String> notBundles = new ArrayList<>();
        for (File jar : jars) {
            if (bundleName(jar) == null) {
                notBundles.add(jar.getName());
            }
        }
        if (!notBundles.isEmpty()) {
            throw new CatalogException("Not bundles (no Bundle-SymbolicName): " + String.join(", ", notBundles)
                    + ". Take them out of " + folder + " or rebuild them with bnd.");
        }
        Path target = out.toAbsolutePath().normalize();
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), ".index-", ".xml");
            new SimpleIndexer().files(jars).base(target.getParent().toUri()).name(folder.getFileName().toString())
                    .compress(target.getFileName().toString().endsWith(".gz")).analyzer(IndexWriter::describe)
                    .index(temp.toFile());
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
        } catch (IOException e) {
            throw new CatalogException("Cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // left behind only when the write failed
                }
            }
        }
        return jars.size();
    }

    private static void describe(File jar, aQute.bnd.osgi.resource.ResourceBuilder builder) throws Exception {
        List<String> permissions = new ArrayList<>();
        String title = null;
        try (JarFile file = new JarFile(jar, false)) {
            String header = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue(Permissions.HEADER);
            title = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Bundle-Name");
            if (header != null) {
                for (String name : header.split(",")) {
                    if (!name.isBlank()) {
                        permissions.add(name.strip());
                    }
                }
            }
        }
        CapReqBuilder carehost = new CapReqBuilder(Resources.CAREHOST_NAMESPACE)
                .addAttribute(Resources.CAREHOST_NAMESPACE, bundleName(jar));
        if (!permissions.isEmpty()) {
            carehost.addAttribute(Resources.PERMISSIONS, permissions);
        }
        if (title != null && !title.isBlank()) {
            carehost.addAttribute(Resources.NAME, title.strip());
        }
        String signer = Signers.of(jar.toPath());
        if (signer != null) {
            carehost.addAttribute(Resources.SIGNER, signer);
        }
        builder.addCapability(carehost);
    }

    private static String bundleName(File jar) {
        try (JarFile file = new JarFile(jar, false)) {
            String name = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            return name == null ? null : name.split(";")[0].trim();
        } catch (IOException e) {
            return null;
        }
    }
}
