package org.carehost.security.internal;

import java.io.File;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;

/**
 * What a file hook's call asks for (part of {@link ChokePoints}): a {@code java.io.File} call on its path field, and
 * a call at the default file-system provider, a read or a write by its open options. Pure, like {@link ChokePoints}.
 */
final class FileRequests {

    private FileRequests() {
    }

    /** A java.io.File call, on the file's path field (the agent passes it: a subclass's getPath may lie). */
    static Request file(String method, String path, Object[] args) {
        switch (method) {
            case "createTempFile": // static: the folder is its third argument (null: java.io.tmpdir)
                return temporaryFile((File) args[2]);
            case "renameTo":
                File to = (File) args[0];
                if (to != null && to.getClass() != File.class) { // its getPath is not what the JDK will rename to
                    return Request.of(Kind.CONTAINER, "rename " + path + " to a " + to.getClass().getName()
                            + " (a subclass of java.io.File, whose path cannot be trusted: use java.io.File itself)");
                }
                return new Request(Kind.FILE_WRITE, path, to == null ? null : to.getPath(), -1, false);
            case "delete": case "deleteOnExit": case "mkdir": case "createNewFile": case "setLastModified":
            case "setReadOnly": case "setWritable": case "setReadable": case "setExecutable":
                return Request.of(Kind.FILE_WRITE, path);
            default:
                return Request.of(Kind.FILE_READ, path);
        }
    }

    /**
     * {@code File.createTempFile}, which makes its file without {@code createNewFile}: a write in its folder. The JDK
     * makes the file in that folder under a name it checks has no separator, from the folder's path field: a subclass
     * of {@code java.io.File} could report another path than the one the JDK uses, so it is refused.
     */
    private static Request temporaryFile(File folder) {
        if (folder != null && folder.getClass() != File.class) {
            return Request.of(Kind.CONTAINER, "make a temporary file in a " + folder.getClass().getName()
                    + " (a subclass of java.io.File, whose path cannot be trusted: use java.io.File itself)");
        }
        String path = folder == null ? System.getProperty("java.io.tmpdir") : folder.getPath();
        return Request.of(Kind.FILE_WRITE, new File(path, "<temporary file>").getPath());
    }

    /**
     * A {@code SecureDirectoryStream}'s own operations (Linux's: {@code openat}, {@code unlinkat}, {@code renameat}
     * relative to the directory it holds open, an absolute path or {@code ..} included), which never pass the
     * provider's hooks. No plugin may use them: the directory they start from is a descriptor, not a path the checks can
     * follow. A plugin lists a folder with the same stream and opens each file by its path.
     */
    static Request secureDirectory(String method) {
        return Request.of(Kind.CONTAINER, "use SecureDirectoryStream." + method + ", which reaches files relative to an"
                + " open directory where no check can follow the path (open the file by its path: Files.newByteChannel)");
    }

    /**
     * The Linux provider's own: its dos and user attribute views and dos attributes, which it makes without calling its
     * super's hooked methods. Anything else it hands to its super, whose hook decides (null: no second check).
     */
    static Request linuxOwn(String method, Object[] args) {
        Object kind = kind(args);
        boolean own = kind == java.nio.file.attribute.DosFileAttributeView.class
                || kind == java.nio.file.attribute.UserDefinedFileAttributeView.class
                || kind == java.nio.file.attribute.DosFileAttributes.class || "dos".equals(kind) || "user".equals(kind);
        return own ? provider(method, args) : null;
    }

    static Request provider(String method, Object[] args) {
        String path = String.valueOf(args[0]);
        switch (method) {
            case "getFileAttributeView":
                // a view by its type is what Files.getFileAttributeView hands out, whose setters (times, permissions,
                // owner, dos flags, user attributes) write with no other hook: a write. By its name ("posix") it is
                // what Files.getAttribute and setAttribute use inside the JDK: a read, and setAttribute is hooked.
                return Request.of(kind(args) instanceof String ? Kind.FILE_READ : Kind.FILE_WRITE, path);
            case "setAttribute":
                return Request.of(Kind.FILE_WRITE, path);
            case "newByteChannel": case "newFileChannel": case "newAsynchronousFileChannel":
                return Request.of(writes(args[1]) ? Kind.FILE_WRITE : Kind.FILE_READ, path);
            case "createDirectory": case "implDelete":
                return Request.of(Kind.FILE_WRITE, path);
            case "copy":
                return new Request(Kind.FILE_READ, path, String.valueOf(args[1]), -1, false);
            case "move":
                return new Request(Kind.FILE_WRITE, path, String.valueOf(args[1]), -1, false);
            case "createSymbolicLink": case "createLink":
                return Request.of(Kind.FILE_LINK, path + " -> " + args[1]);
            default:
                return Request.of(Kind.FILE_READ, path);
        }
    }

    private static Object kind(Object[] args) {
        return args.length > 1 ? args[1] : null;
    }

    private static boolean writes(Object options) {
        if (options instanceof Set) {
            for (Object option : (Set<?>) options) {
                if (option instanceof StandardOpenOption && option != StandardOpenOption.READ
                        && option != StandardOpenOption.SPARSE && option != StandardOpenOption.SYNC
                        && option != StandardOpenOption.DSYNC) {
                    return true;
                }
                if (option instanceof OpenOption && !(option instanceof StandardOpenOption)
                        && !(option instanceof java.nio.file.LinkOption)) {
                    return true; // an option of another kind: assume the worst
                }
            }
        }
        return false;
    }
}
