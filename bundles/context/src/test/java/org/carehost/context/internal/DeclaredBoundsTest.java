package org.carehost.context.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

class DeclaredBoundsTest {

    @TempDir
    Path folder;

    @Test
    void aPluginsFilesAreReadOncePerRevisionAndABrokenOneIsReportedOnce() throws Exception {
        Path good = Files.writeString(folder.resolve("good.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0">
                  <OCD id="org.example.reminders" name="Reminders">
                    <AD id="lead" type="Integer" default="60" min="1" max="20160"/>
                    <AD id="channel" type="String" default="log"/>
                  </OCD>
                </metatype:MetaData>
                """);
        Path broken = Files.writeString(folder.resolve("broken.xml"), "<metatype:MetaData");
        AtomicInteger looks = new AtomicInteger();
        AtomicLong revision = new AtomicLong(1);
        Bundle plugin = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "findEntries" -> {
                        looks.incrementAndGet();
                        yield Collections.enumeration(List.of(good.toUri().toURL(), broken.toUri().toURL()));
                    }
                    case "getLastModified" -> revision.get();
                    case "getSymbolicName" -> "org.example.reminders";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == arguments[0];
                    default -> null;
                });
        List<String> reported = new ArrayList<>();
        DeclaredBounds bounds = new DeclaredBounds((bundle, why) -> reported.add(why));

        assertArrayEquals(new String[] {"1", "20160"}, bounds.of(plugin, "org.example.reminders").get("lead"));
        assertEquals(1, bounds.of(plugin, "org.example.reminders").size(), "only attributes with bounds");
        assertTrue(bounds.of(plugin, "org.example.other").isEmpty());
        assertEquals(1, looks.get(), "read once for three looks");
        assertEquals(1, reported.size(), "the broken file reported once: " + reported);
        assertTrue(reported.get(0).contains("broken.xml"), reported.get(0));

        revision.set(2); // an update
        bounds.of(plugin, "org.example.reminders");
        assertEquals(2, looks.get(), "read again for a new revision");
        assertEquals(2, reported.size());
    }
}
