package org.carehost.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MisspeltConfigurationFilesTest {

    @Test
    void editsCountASwapOfNeighboursAsOne() {
        assertEquals(0, MisspeltConfigurationFiles.edits("org.carehost.ssh", "org.carehost.ssh"));
        assertEquals(1, MisspeltConfigurationFiles.edits("org.carehost.shh", "org.carehost.ssh"));
        assertEquals(1, MisspeltConfigurationFiles.edits("org.carehost.sshd", "org.carehost.ssh"));
        assertEquals(1, MisspeltConfigurationFiles.edits("org.carehost.adit", "org.carehost.audit"));
        assertEquals(1, MisspeltConfigurationFiles.edits("org.carehost.uadit", "org.carehost.audit"));
        assertEquals(true, MisspeltConfigurationFiles.edits("org.carehost.sample.hello", "org.carehost.ssh")
                > MisspeltConfigurationFiles.MOST_EDITS);
    }
}
