package org.carehost.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * The one rule for rows a killed process left claimed (the outbox's deliveries, the scheduler's runs): they may be
 * released at start, instead of waiting for their claims to expire, only when both hold:
 * <ul>
 * <li>the database is {@link Store#exclusive()}: no other process can have claimed them (nodes sharing PostgreSQL, or
 * an H2 server, wait the claim out, since the holder may be another node that is alive);</li>
 * <li>this is the component's first activation since the framework started, recorded in the bundle's data area as the
 * framework's UUID ({@code org.osgi.framework.uuid}, new at every start). A later activation in the same process (the
 * bundle or one it imports refreshed, a reference rebound) must not release claims: work of the previous activation
 * may still be under way. Every claim is made by the component, so at its first activation in a process none can be
 * this process's own.</li>
 * </ul>
 * Without a data area or a UUID nothing is released (claims then expire, as on shared databases).
 *
 * @since 2.4
 */
public final class StaleClaims {

    private StaleClaims() {
    }

    /**
     * Whether the caller may release every claim of {@code what} now (see the class comment). True at most once per
     * framework start for each {@code what} of a bundle: asking records the answer.
     *
     * @param what names the claims (and the data file that records the release), such as {@code outbox}
     */
    public static boolean releasableAtStart(Store store, BundleContext context, String what) {
        return store.exclusive() && firstInThisProcess(context, what);
    }

    /** The second condition of the class comment alone: true the first time it is asked since the framework started. */
    static boolean firstInThisProcess(BundleContext context, String what) {
        String run = context.getProperty(Constants.FRAMEWORK_UUID);
        File file = context.getDataFile(what + "-released-for-run");
        if (run == null || file == null) {
            return false;
        }
        try {
            Path path = file.toPath();
            if (Files.exists(path) && Files.readString(path).strip().equals(run)) {
                return false;
            }
            Files.writeString(path, run);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
