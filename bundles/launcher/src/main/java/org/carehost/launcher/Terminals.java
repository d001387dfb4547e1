package org.carehost.launcher;

import java.io.Console;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Whether standard input is a terminal (interactive shell) or a pipe or file (a script to run). */
final class Terminals {

    private Terminals() {
    }

    static boolean stdinIsTerminal() {
        String forced = System.getProperty("carehost.console");
        if ("interactive".equals(forced) || "script".equals(forced)) {
            return "interactive".equals(forced);
        }
        // Linux tells exactly what file descriptor 0 is.
        Path stdin = Paths.get("/proc/self/fd/0");
        if (Files.exists(stdin, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(stdin).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (Exception unreadable) {
                // fall through to the portable check
            }
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a Console even when redirected; isTerminal() says whether it really is one.
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException olderJdk) {
            return true;
        }
    }
}
