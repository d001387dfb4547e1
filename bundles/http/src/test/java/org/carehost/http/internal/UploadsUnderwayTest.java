package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/**
 * An uninstall of a location underway is decided when its installers end, from whether one undid its install, whatever
 * thread it ran on; two requests installing the same jar at once are both counted.
 */
class UploadsUnderwayTest {

    private final UploadsUnderway underway = new UploadsUnderway();
    private final List<String> settled = new CopyOnWriteArrayList<>();

    {
        underway.settledBy((location, name, id, rollback) -> settled.add(location + " " + id + " " + rollback));
    }

    @Test
    void anUninstallDuringARefusedInstallIsItsRollbackOnAnyThread() throws Exception {
        List<String> jar = List.of("upload:aa");
        underway.begin(jar);
        Thread lifecycle = new Thread(() -> assertTrue(underway.uninstalled("upload:aa", "p", 7)));
        lifecycle.start();
        lifecycle.join();
        assertEquals(List.of(), settled, "held until the installer ends");
        underway.end(jar, true);
        assertEquals(List.of("upload:aa 7 true"), settled);
        assertFalse(underway.underway("upload:aa"));
        assertFalse(underway.uninstalled("upload:aa", "p", 8), "not underway: not this class's to decide");
    }

    @Test
    void anUninstallDuringAKeptInstallIsAnOperatorsOnceEveryInstallerEnded() {
        List<String> jar = List.of("upload:aa");
        underway.begin(jar);
        underway.begin(jar); // a double click
        assertTrue(underway.uninstalled("upload:aa", "p", 7));
        underway.end(jar, false);
        assertEquals(List.of(), settled, "the second request is still installing it");
        assertTrue(underway.underway("upload:aa"));
        underway.end(jar, false);
        assertEquals(List.of("upload:aa 7 false"), settled);
    }

    @Test
    void oneInstallerUndoingMakesTheUninstallARollback() {
        List<String> jar = List.of("upload:aa");
        underway.begin(jar);
        underway.begin(jar);
        assertTrue(underway.uninstalled("upload:aa", "p", 7));
        underway.end(jar, true);
        underway.end(jar, false);
        assertEquals(List.of("upload:aa 7 true"), settled);
    }
}
