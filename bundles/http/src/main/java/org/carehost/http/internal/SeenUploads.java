package org.carehost.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The upload locations this node has known to be kept in the store: those it kept itself (an upload here, once its
 * rows are written) and those a look found there. Kept in the bundle's data area, so that it outlasts a restart: a
 * location installed here, known kept, and now without a row was uninstalled on another node (maybe while this one was
 * down), whereas one installed here and never known kept is an upload of this node's own whose rows are still being
 * written ({@link UploadRestore}). The data area goes with the framework cache, and so do the installed bundles.
 */
@Component(service = SeenUploads.class)
public final class SeenUploads {

    private final Path file;
    private final Logger log;
    private final Set<String> locations = new TreeSet<>();

    @Activate
    public SeenUploads(BundleContext context, @Reference(service = LoggerFactory.class) Logger log) {
        this(context.getDataFile("uploads-seen.txt").toPath(), log);
    }

    SeenUploads(Path file, Logger log) {
        this.file = file;
        this.log = log;
        try {
            if (Files.isRegularFile(file)) {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
                        .forEach(locations::add);
            }
        } catch (IOException e) {
            log.warn("The uploads this node knew kept ({}) could not be read ({}): an uploaded plugin uninstalled on "
                    + "another node while this one was down stays here until an operator uninstalls it", file, e);
        }
    }

    /** The locations known kept, now. */
    synchronized Set<String> now() {
        return Set.copyOf(locations);
    }

    /** Known kept from now on. */
    synchronized void add(Collection<String> kept) {
        if (locations.addAll(kept)) {
            save();
        }
    }

    /** Forgotten: no longer kept, and nothing left here to decide about them. */
    synchronized void remove(Collection<String> gone) {
        if (locations.removeAll(gone)) {
            save();
        }
    }

    private void save() {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.write(next, locations, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("The uploads this node knows kept could not be written to {} ({}): after a restart, an uploaded "
                    + "plugin uninstalled elsewhere meanwhile may stay here", file, e.toString());
        }
    }
}
