package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/** Which upload each bundle here came from outlasts a restart (a new instance on the same file). */
class HeldUploadsTest {

    @TempDir
    Path folder;

    @Test
    void recordsAreReadBackAfterARestartAndOnlyTheExpectedOneIsDropped() {
        Path file = folder.resolve("uploads-held.txt");
        HeldUploads before = new HeldUploads(file, silent());
        before.put(Map.of("upload:aa", new HeldUploads.Held("u1", 7), "upload:bb", new HeldUploads.Held("u2", 8)));
        before.put(Map.of("upload:cc", new HeldUploads.Held("u3", 9)));
        before.remove("upload:bb", new HeldUploads.Held("u2", 8));
        before.remove("upload:cc", new HeldUploads.Held("u3", 5)); // another installation's record: stays
        assertEquals(Map.of("upload:aa", new HeldUploads.Held("u1", 7), "upload:cc", new HeldUploads.Held("u3", 9)),
                new HeldUploads(file, silent()).now());
        assertEquals(Map.of(), new HeldUploads(folder.resolve("none.txt"), silent()).now());
    }

    static Logger silent() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
    }
}
