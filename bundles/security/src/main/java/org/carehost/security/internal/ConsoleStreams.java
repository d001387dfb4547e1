package org.carehost.security.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;

/**
 * The console as a plugin could reach it: the process's standard input, output and error. They are the operator's:
 * in script mode ({@code commands | java -jar carehost.jar}) standard input holds the operator's command lines (a
 * {@code user:passwd} among them) and standard output must carry only the commands' output; interactively both are the
 * operator's terminal. A plugin's thread reading them steals the lines the shell should run; writing to them forges
 * what the operator reads. So no plugin, whatever it holds, reaches them directly (a {@link Kind#CONTAINER} request,
 * refused and audited like the other container rules):
 * <ul>
 * <li>System.in: Gogo's {@code ThreadInputStream} (every read, skip and mark passes its {@code getCurrent}), in a
 * session or not: a session's input is the operator's console too (the script's remaining lines, the terminal);</li>
 * <li>not System.out and System.err: a plugin's print through them passes (refused, a plugin's own {@code println} or
 * {@code printStackTrace} threw in it, and every test fixture that prints a line failed); outside a session they are
 * the process's own streams as the launcher's {@code PluginPrints} wraps them, which marks each line a plugin's code
 * prints as the plugin's and shows it as text. No hook sits on their path (a plugin's print costs no check);</li>
 * <li>the streams Gogo stands in for ({@code getRoot}), a stream made on descriptor 0, 1 or 2
 * ({@code new FileInputStream(FileDescriptor.in)}), and the JDK's {@code System.console()}.</li>
 * </ul>
 * Cost: a write through System.out in a session, and a stream made on any other descriptor, need no decision (null
 * here, before any stack walk); ordinary file reads and writes pass no new hook.
 */
final class ConsoleStreams {

    static final String THREADIO = "org.apache.felix.gogo.runtime.threadio.";
    /** Gogo's shell session, which it hands to a command method whose first parameter the session fits. */
    static final String SESSION = "org.apache.felix.gogo.runtime.CommandSessionImpl";

    private static final String USE_INSTEAD = ": the console is the operator's; a plugin logs through SLF4J (its lines"
            + " go to the container's log, under its name), and a command's output goes to the session that runs it";

    private ConsoleStreams() {
    }

    /**
     * Whether a container class only relays its caller's reads and writes to the stream a thread's marker holds:
     * Gogo's System.in, System.out and System.err ({@code ThreadInputStream}, {@code ThreadPrintStream}) and their
     * {@code Marker}, a third party's bundle that cannot name them in {@value Origins#ACTS_FOR_CALLER}. Passed over
     * like the JDK's frames (Origins), so that the cause of a write reaching the root marker is whoever wrote.
     */
    static boolean relays(Class<?> type) {
        String name = type.getName();
        return name.equals(THREADIO + "ThreadInputStream") || name.equals(THREADIO + "ThreadPrintStream")
                || name.equals(THREADIO + "Marker");
    }

    /** Whether a hook's owner is one of Gogo's thread streams or their marker. */
    static boolean covers(String owner) {
        return owner.startsWith(THREADIO);
    }

    /** The request of a Gogo thread-stream hook (not their close, decided with the other standard streams'). */
    static Request gogo(String owner, String method, Object self) {
        String type = owner.substring(THREADIO.length());
        if (method.equals("getRoot")) {
            return Request.of(Kind.CONTAINER, "take the process's own standard streams from the shell's ("
                    + type + ".getRoot)" + USE_INSTEAD);
        }
        return Request.of(Kind.CONTAINER, "read the console's input (System.in)" + USE_INSTEAD);
    }

    /**
     * A shell session closed: the operator's (the console's, a script's, an SSH login's), which Gogo hands to any
     * command method whose first parameter it fits, a plugin's command's too ({@code AutoCloseable}, {@code Object}):
     * closed, every later command of the operator failed, {@code exit} included (red team 14). Only the container ends
     * a session.
     */
    static Request sessionClosed() {
        return Request.of(Kind.CONTAINER, "close the operator's shell session (Gogo's CommandSessionImpl.close): a "
                + "command gets the session to run in, and only the container ends it");
    }

    /** A stream made on a descriptor: a request for the process's standard ones only. */
    static Request onDescriptor(String owner, Object descriptor) {
        if (descriptor != FileDescriptor.in && descriptor != FileDescriptor.out && descriptor != FileDescriptor.err) {
            return null;
        }
        String field = descriptor == FileDescriptor.in ? "in" : descriptor == FileDescriptor.out ? "out" : "err";
        String which = field.equals("in") ? "input" : field.equals("out") ? "output" : "error";
        return Request.of(Kind.CONTAINER, "open a stream on the process's standard " + which + " (new "
                + owner.substring(owner.lastIndexOf('.') + 1) + "(FileDescriptor." + field + "))" + USE_INSTEAD);
    }

    /** System.console(): the JDK's Console reads and writes the process's own descriptors. */
    static Request console() {
        return Request.of(Kind.CONTAINER, "use the JDK's console (System.console)" + USE_INSTEAD);
    }

    static FileDescriptor descriptor(Object stream) {
        try {
            return stream instanceof FileInputStream ? ((FileInputStream) stream).getFD()
                    : stream instanceof FileOutputStream ? ((FileOutputStream) stream).getFD() : null;
        } catch (IOException closed) {
            return null;
        }
    }

    /** System.in, out or err as they are now, or a stream on the process's own descriptors 0, 1 and 2. */
    static boolean isStandard(Object stream) {
        return stream != null && (stream == System.in || stream == System.out || stream == System.err
                || standardStream(descriptor(stream)));
    }

    static boolean standardStream(FileDescriptor descriptor) {
        return descriptor != null
                && (descriptor == FileDescriptor.in || descriptor == FileDescriptor.out || descriptor == FileDescriptor.err);
    }
}
