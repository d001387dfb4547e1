package org.carehost.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void theConfiguredValueWinsTrimmed() {
        assertEquals("a", Setting.of(" a ", "b", () -> "c"));
    }

    @Test
    void anEmptyOrBlankConfigurationFallsBackToThePropertyThenTheDefault() {
        assertEquals("b", Setting.of("  ", " b", () -> "c"));
        assertEquals("c", Setting.of("", "", () -> "c"));
        assertEquals("c", Setting.of(null, null, () -> "c"));
        assertNull(Setting.of(null, " ", () -> null));
    }

    @Test
    void theDefaultIsAskedForOnlyWhenNeeded() {
        AtomicInteger asked = new AtomicInteger();
        Setting.of("x", null, () -> {
            asked.incrementAndGet();
            return "y";
        });
        assertEquals(0, asked.get());
    }

    @Test
    void aPathStaysRelativeWhenGivenRelative() {
        assertEquals(Path.of("data/plugins"), Setting.path(null, null, "data/plugins"));
        assertEquals(Path.of("/srv/policy"), Setting.path(" /srv/policy ", "etc/x", "etc/y"));
    }
}
