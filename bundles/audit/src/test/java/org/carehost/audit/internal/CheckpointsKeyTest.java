package org.carehost.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * redteam-3 #12: the audit-signing key is written owner-only from its first byte and moved into place, never
 * created with the umask's mode and narrowed afterwards (which also wrote through whatever the key's path pointed at).
 */
class CheckpointsKeyTest {

    @TempDir
    Path home;

    @Test
    void theSigningKeyIsWrittenOwnerOnlyAndMovedIntoPlace() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        Path security = Files.createDirectories(home.resolve("etc/security"));
        Path keyFile = security.resolve("audit-signing.key");
        // A dangling link where the key goes (a local user's trap): writing in place would follow it.
        Path elsewhere = home.resolve("elsewhere.key");
        Files.createSymbolicLink(keyFile, elsewhere);

        Checkpoints checkpoints = new Checkpoints(keyFile, home.resolve("data/audit/checkpoints"), Clock.systemUTC());
        Checkpoints.Checkpoint signed = checkpoints.sign(1, "abc", "node-1");

        assertFalse(Files.isSymbolicLink(keyFile), "the key replaced the link rather than writing through it");
        assertFalse(Files.exists(elsewhere, LinkOption.NOFOLLOW_LINKS), "nothing written where the link pointed");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        try (var left = Files.list(security)) {
            assertEquals(List.of("audit-signing.key", "audit-signing.key.pub"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
        // the key on file is the one that signed: a fresh instance reads it and verifies
        assertTrue(new Checkpoints(keyFile, home.resolve("data/audit/checkpoints"), Clock.systemUTC())
                .signatureValid(signed));
        assertEquals(1, new Checkpoints(keyFile, home.resolve("data/audit/checkpoints"), Clock.systemUTC())
                .all(new ArrayList<>()).size());
    }
}
