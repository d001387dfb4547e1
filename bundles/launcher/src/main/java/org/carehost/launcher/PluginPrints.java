package org.carehost.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The process's standard output and error as plugins reach them ({@code System.out}, {@code System.err}, and under
 * them the Gogo shell's per-thread streams, whose root these are): what a plugin's code writes there never reaches the
 * operator's console. Red team: a plugin with no permission printed a line made to pass for the container's own
 * ({@code WARN Security: operator admin granted ...}) and escape sequences that set the terminal's title and cleared
 * its screen, on the console interactively and on standard error in a script. Each line a plugin prints goes instead
 * to the container's log, at INFO (so to {@code data/log/carehost.log}, not the console), as
 * {@code <plugin> printed: <line>} under the logger {@value #LOGGER}, where the log's patterns show control
 * characters as {@code ?}. A plugin's output to an operator goes through its shell command, whose session is not this
 * stream; a plugin's messages through SLF4J.
 *
 * <p>Whose write it is: the class of the first frame on the stack past the JDK's, the Gogo shell's thread streams
 * (which only relay) and this class; a plugin's when that class is a bundle's and the bundle is not the container's
 * ({@link ContainerBundles}, the one definition). Container code writing here (the framework's own messages, the
 * launcher's) is written through unchanged. The stack is walked at each write, which only the rare writes to the
 * process's own streams pay: commands' output goes to their sessions. Lines are cut at {@value #LONGEST_LINE} bytes.
 *
 * <p>Written here: nothing of the container's logging is loaded this early, and this must be in place before Gogo
 * takes these streams as its root (at its start) and before any bundle runs. The log is reached through
 * {@code java.util.logging}, which the logging bundle bridges to Logback before any plugin starts.
 */
final class PluginPrints extends OutputStream {

    /** The logger a plugin's printed lines are written under. */
    static final String LOGGER = "carehost.plugin-prints";
    static final int LONGEST_LINE = 8192;

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final String GOGO_STREAMS = "org.apache.felix.gogo.runtime.threadio.";

    private final OutputStream console;
    private final ContainerBundles container;
    private final Charset charset;
    private final Logger log = Logger.getLogger(LOGGER);
    /** Each thread's line being printed by a plugin, until its line break. */
    private final ThreadLocal<ByteArrayOutputStream> lines = ThreadLocal.withInitial(ByteArrayOutputStream::new);
    /** Set while this thread logs a line: whatever that writes here (a JDK handler's fallback) is written through. */
    private final ThreadLocal<Boolean> logging = ThreadLocal.withInitial(() -> Boolean.FALSE);

    PluginPrints(OutputStream console, ContainerBundles container, Charset charset) {
        this.console = console;
        this.container = container;
        this.charset = charset;
        log.setLevel(Level.INFO); // the JDK's root logger is at WARNING (Boot): these lines are INFO
    }

    /** Replaces System.out and System.err with streams of this kind over them; call before the Gogo shell starts. */
    static void install(ContainerBundles container) {
        Charset charset = Charset.defaultCharset();
        System.setOut(new PrintStream(new PluginPrints(System.out, container, charset), true, charset));
        System.setErr(new PrintStream(new PluginPrints(System.err, container, charset), true, charset));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Bundle plugin = logging.get() ? null : writer();
        if (plugin == null) {
            console.write(bytes, offset, length);
            return;
        }
        ByteArrayOutputStream line = lines.get();
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                logLine(plugin, line);
            } else {
                line.write(b);
                if (line.size() >= LONGEST_LINE) {
                    logLine(plugin, line);
                }
            }
        }
    }

    @Override
    public void flush() throws IOException {
        console.flush();
    }

    private void logLine(Bundle plugin, ByteArrayOutputStream line) {
        String text = line.toString(charset);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        logging.set(Boolean.TRUE);
        try {
            log.info(plugin.getSymbolicName() + " " + plugin.getVersion() + " printed: " + text);
        } finally {
            logging.set(Boolean.FALSE);
        }
    }

    /** The plugin whose code writes now, or null for the container's. */
    private Bundle writer() {
        Class<?> caller = WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                .filter(type -> !passesOn(type)).findFirst().orElse(null));
        if (caller == null) {
            return null;
        }
        Bundle bundle = FrameworkUtil.getBundle(caller);
        return bundle == null || container.isContainer(bundle) ? null : bundle;
    }

    private static boolean passesOn(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return type == PluginPrints.class || loader == null || loader == ClassLoader.getPlatformClassLoader()
                || type.getName().startsWith(GOGO_STREAMS);
    }
}
