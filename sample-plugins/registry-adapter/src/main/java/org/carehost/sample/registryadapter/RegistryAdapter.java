package org.carehost.sample.registryadapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.carehost.sdk.plugin.Adapter;
import org.carehost.sdk.plugin.AdapterMessage;
import org.carehost.sdk.security.Permissions;
import org.carehost.sdk.security.RequiresPermissions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Sends resources to a registry that picks FHIR JSON files up from a folder: each send becomes
 * {@code <dropDirectory>/<send id>.json}, written to a temporary file first and then moved into place, so the
 * registry never reads half a file. The host retries a send that failed with the same send id, so a send that
 * arrives again finds its file there and is not written twice. The receipt is the file's name.
 */
@Component(service = Adapter.class)
@Designate(ocd = RegistryAdapterConfig.class)
@RequiresPermissions(Permissions.USE_FILES)
public class RegistryAdapter implements Adapter {

    private final String system;
    private final Path directory;

    @Activate
    public RegistryAdapter(RegistryAdapterConfig config) {
        this(config.system(), Path.of(config.dropDirectory()));
    }

    RegistryAdapter(String system, Path directory) {
        this.system = system;
        this.directory = directory;
    }

    @Override
    public String system() {
        return system;
    }

    @Override
    public boolean available() {
        try {
            Files.createDirectories(directory);
            return Files.isWritable(directory);
        } catch (IOException | RuntimeException e) { // a folder the host does not let it reach is not available
            return false;
        }
    }

    @Override
    public String send(AdapterMessage message) throws IOException {
        if (!message.sendId().matches("[A-Za-z0-9-]{1,64}")) {
            throw new IOException("send id '" + message.sendId() + "' cannot name a file");
        }
        Files.createDirectories(directory);
        Path target = directory.resolve(message.sendId() + ".json");
        if (Files.exists(target)) {
            return target.getFileName().toString(); // a repeat of a send already dropped
        }
        Path partial = Files.createTempFile(directory, ".sending-", ".tmp");
        try {
            Files.writeString(partial, message.fhirJson(), StandardCharsets.UTF_8);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
        } catch (FileAlreadyExistsException raced) {
            // the same send, dropped by another attempt meanwhile
        } finally {
            Files.deleteIfExists(partial);
        }
        return target.getFileName().toString();
    }
}
