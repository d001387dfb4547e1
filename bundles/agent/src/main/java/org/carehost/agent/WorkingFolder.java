package org.carehost.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses, with one line and exit status 5, a working folder the container cannot write: the framework's launcher makes
 * {@code data/cache} before any Carehost bundle runs, so in a read-only folder it failed first, printing its stack trace
 * ("Unexpected error in the run body") and exiting with status 127, which shells and supervisors read as "command not
 * found". The agent is the earliest code of {@code java -jar carehost.jar}, so the check is here; the launcher bundle's
 * {@code Home} lays the folder out once the framework is up, and says the same, with the same status, for a folder it
 * cannot lay out (a file where a folder belongs).
 */
final class WorkingFolder {

    /** The launcher's status for a working folder that cannot be used (its {@code Home.STATUS}). */
    static final int STATUS = 5;

    private WorkingFolder() {
    }

    /** The problem with {@code root}, or null when the container can write where it needs to. */
    static String problem(Path root) {
        for (String folder : new String[] {"data", "etc", "deploy"}) {
            Path path = root.resolve(folder);
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path)) {
                // the launcher bundle's Home says the same of etc and deploy, but data/cache is made before it runs
                return unusable(root, folder + " is a file, not a folder") + "; move what is in the way, or start it "
                        + "in a folder of its own. Nothing was started (exit status " + STATUS + ")";
            }
        }
        Path data = root.resolve("data");
        Path cache = data.resolve("cache");
        Path writeTo = Files.isDirectory(cache) ? cache : Files.isDirectory(data) ? data : root;
        if (Files.isWritable(writeTo)) {
            return null;
        }
        return unusable(root, writeTo + " cannot be written: a read-only file system, or not the folder's owner?")
                + "; start it in a folder of its own that it can write. Nothing was started (exit status " + STATUS + ")";
    }

    private static String unusable(Path root, String why) {
        return "carehost: cannot use the folder " + root + " (" + why + "): Carehost keeps its configuration in etc/, "
                + "its plugins in deploy/ and its data in data/, each a folder it can write";
    }
}
