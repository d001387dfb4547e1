package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/** What a node knew kept in the store outlasts a restart (a new instance on the same file). */
class SeenUploadsTest {

    @TempDir
    Path folder;

    @Test
    void knownLocationsAreReadBackAfterARestart() {
        Path file = folder.resolve("uploads-seen.txt");
        SeenUploads before = new SeenUploads(file, silent());
        before.add(List.of("upload:aa", "upload:bb"));
        before.add(List.of("upload:cc"));
        before.remove(List.of("upload:bb"));
        assertEquals(Set.of("upload:aa", "upload:cc"), new SeenUploads(file, silent()).now());
        assertEquals(Set.of(), new SeenUploads(folder.resolve("none.txt"), silent()).now());
    }

    private static Logger silent() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
    }
}
