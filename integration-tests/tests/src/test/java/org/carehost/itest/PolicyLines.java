package org.carehost.itest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.BooleanSupplier;

import org.osgi.framework.BundleContext;

/** A line added to the container's security policy for one test, and taken out again when it is closed. */
final class PolicyLines implements AutoCloseable {

    private final Path policy;
    private final String before;
    private final BooleanSupplier restored;

    private PolicyLines(Path policy, String before, BooleanSupplier restored) {
        this.policy = policy;
        this.before = before;
        this.restored = restored;
    }

    /**
     * Appends {@code line} to the policy and waits until {@code applied} (the security manager reloads the file when it
     * changes); closing writes the policy back and waits until {@code restored}.
     */
    static PolicyLines add(BundleContext context, String line, BooleanSupplier applied, BooleanSupplier restored)
            throws Exception {
        Path policy = Paths.get(context.getProperty("carehost.security.policy"));
        String before = Files.exists(policy) ? Files.readString(policy) : "mode development\n";
        Files.createDirectories(policy.getParent());
        Files.writeString(policy, before + (before.endsWith("\n") ? "" : "\n") + line + "\n");
        Await.until("the policy line '" + line + "' applies", 20_000, applied);
        return new PolicyLines(policy, before, restored);
    }

    @Override
    public void close() throws Exception {
        Files.writeString(policy, before);
        Await.until("the policy as it was", 20_000, restored);
    }
}
