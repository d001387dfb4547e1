package org.carehost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class StartLevelsTest {

    @Test
    void readsEachRunBundlesLevelAsBndWritesThem() {
        Map<String, Integer> levels = StartLevels.parse("bcprov;version=\"1.87\";startlevel=20,"
                + "ch.qos.logback.core;version=\"1.6.6\";startlevel=10,"
                + "odd;version=\"[1,2)\";startlevel=15,org.carehost.store~;version=\"0.1\";startlevel=20,"
                + "nolevel;version=\"1\",bad;startlevel=x");
        assertEquals(Map.of("bcprov", 20, "ch.qos.logback.core", 10, "odd", 15, "org.carehost.store", 20), levels);
    }

    @Test
    void nothingGivenIsNoLevels() {
        assertTrue(StartLevels.parse(null).isEmpty());
        assertTrue(StartLevels.parse("").isEmpty());
    }
}
