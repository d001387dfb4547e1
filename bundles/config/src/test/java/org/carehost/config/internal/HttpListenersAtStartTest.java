package org.carehost.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Whether the listeners' file changed while the container was stopped (tryout 16, item 7). */
class HttpListenersAtStartTest {

    private static Hashtable<String, Object> stored(Map<String, String> values) {
        Hashtable<String, Object> stored = new Hashtable<>(values);
        stored.put("service.pid", HttpListenersAtStart.LISTENER_PID);
        stored.put(FilesGone.FILENAME, "file:/home/etc/org.carehost.http.listener.cfg");
        return stored;
    }

    @Test
    void aFileAsStoredChangesNothing() {
        assertTrue(HttpListenersAtStart.changed(stored(Map.of("port", "8282")), Map.of("port", "8282")).isEmpty());
    }

    @Test
    void aSettingAddedWhileStoppedIsTakenFromTheFile() {
        Optional<Map<String, Object>> now = HttpListenersAtStart.changed(stored(Map.of("port", "8282")),
                Map.of("port", "8282", "httpEnabled", "false"));
        assertEquals(Optional.of(Map.of("port", "8282", "httpEnabled", "false")), now);
    }

    @Test
    void aSecretReferenceIsComparedAsWrittenAndASubstitutionLeftToTheDeployWatcher() {
        assertTrue(HttpListenersAtStart.changed(stored(Map.of("keyStorePassword", "$[secret:https]")),
                Map.of("keyStorePassword", "$[secret:https]")).isEmpty());
        assertTrue(HttpListenersAtStart.changed(stored(Map.of("port", "8282")), Map.of("port", "${my.port}"))
                .isEmpty());
    }
}
