package org.carehost.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

import org.carehost.security.ContainerBundles;
import org.carehost.shell.TerminalText;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The process's standard output and error as plugins reach them ({@code System.out}, {@code System.err}, and under
 * them the Gogo shell's per-thread streams, whose root these are): what a plugin's code writes there reaches the
 * operator's console marked as the plugin's and shown as text. Found by hand: a plugin with no permission printed a
 * line made to pass for the container's own ({@code WARN Security: operator admin granted ...}) and escape sequences
 * that set the terminal's title and cleared its screen, which reached standard error in a script as they were. Each
 * line a plugin prints is now written as {@code plugin <symbolic name>: <line>}, a control character shown as
 * a backslash-u escape of its code ({@code TerminalText}, the shell's one definition); a plugin developer still sees the output of
 * {@code println}. A plugin's output to an operator goes through its shell command, whose session is not this stream;
 * its messages through SLF4J.
 *
 * <p>Whose write it is: from the innermost frame out, the first of a plugin's bundle ({@link ContainerBundles}, the one
 * definition), whatever container or library code (a JSON generator over {@code System.err}, say) writes for it and
 * whatever class loader of its own it made; unless the log's own machinery (Logback's console appender, whose lines a
 * plugin logged are marked already), the framework or the launcher writes first, whose writes pass unchanged. The
 * stack is walked at each write, which only the rare writes to the process's own streams pay: commands' output goes
 * to their sessions. Lines are cut at {@value #LONGEST_LINE} bytes.
 *
 * <p>Written here: this must be in place before Gogo takes these streams as its root (at its start) and before any
 * bundle runs.
 */
final class PluginPrints extends OutputStream {

    static final int LONGEST_LINE = 8192;

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final String GOGO_STREAMS = "org.apache.felix.gogo.runtime.threadio.";

    private final OutputStream console;
    private final ContainerBundles container;
    private final Charset charset;
    /** The class loaders of the framework and of carehost.jar's launcher: classes of neither are a bundle's. */
    private final java.util.Set<ClassLoader> ownLoaders = new java.util.HashSet<>(java.util.Arrays.asList(
            PluginPrints.class.getClassLoader(), Bundle.class.getClassLoader())); // often the same one
    /** Each thread's line being printed by a plugin, until its line break. */
    private final ThreadLocal<ByteArrayOutputStream> lines = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    PluginPrints(OutputStream console, ContainerBundles container, Charset charset) {
        this.console = console;
        this.container = container;
        this.charset = charset;
    }

    /** Replaces System.out and System.err with streams of this kind over them; call before the Gogo shell starts. */
    static void install(ContainerBundles container) {
        Charset charset = Charset.defaultCharset();
        System.setOut(new Formatted(new PluginPrints(System.out, container, charset), charset));
        System.setErr(new Formatted(new PluginPrints(System.err, container, charset), charset));
    }

    /**
     * A print stream that formats ({@code format}, and {@code printf}, which calls it) before it takes its lock: the
     * JDK's formats while holding it, calling each argument's {@code toString} or {@code formatTo} there, so a plugin's argument that never
     * returns held the process's standard error, and with it every container thread logging a WARN to the console
     * (the review's finding). The other methods already make their text before they lock.
     */
    static final class Formatted extends PrintStream {

        Formatted(OutputStream out, Charset charset) {
            super(out, true, charset);
        }

        @Override
        public PrintStream format(String format, Object... args) {
            print(String.format(format, args));
            return this;
        }

        @Override
        public PrintStream format(java.util.Locale locale, String format, Object... args) {
            print(String.format(locale, format, args));
            return this;
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Bundle plugin = writer();
        if (plugin == null) {
            console.write(bytes, offset, length);
            return;
        }
        ByteArrayOutputStream line = lines.get();
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                printLine(plugin, line);
            } else {
                line.write(b);
                if (line.size() >= LONGEST_LINE) {
                    printLine(plugin, line);
                }
            }
        }
    }

    @Override
    public void flush() throws IOException {
        console.flush();
    }

    /** The plugin's line, marked as its and shown as text, on the console (under the caller's lock on this stream). */
    private void printLine(Bundle plugin, ByteArrayOutputStream line) throws IOException {
        String text = line.toString(charset);
        line.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        String name = TerminalText.printable(String.valueOf(plugin.getSymbolicName())).replace('\n', '?');
        console.write(("plugin " + name + ": " + TerminalText.printable(text) + System.lineSeparator()).getBytes(charset));
        console.flush();
    }

    /**
     * The plugin whose write this is, or null for the container's: from the innermost frame out, past the JDK's, the
     * shell's relaying streams and container bundles that write for their caller (a JSON library), the first frame
     * that decides: a plugin's (its write), the log's own machinery (Logback's console appender writing a line it has
     * already marked), or the framework's or the launcher's (their own messages).
     */
    private Bundle writer() {
        return WALKER.walk(frames -> {
            for (java.util.Iterator<Class<?>> it = frames.map(StackWalker.StackFrame::getDeclaringClass)
                    .filter(type -> !passesOn(type)).iterator(); it.hasNext();) {
                Class<?> type = it.next();
                Bundle bundle = FrameworkUtil.getBundle(type);
                if (bundle == null) {
                    if (ownLoaders.contains(type.getClassLoader())) {
                        return null; // the framework's or the launcher's own message
                    }
                    continue; // a class loader no bundle owns (one a plugin made): its caller decides
                }
                if (container.isContainer(bundle) && isLogging(bundle)) {
                    return null;
                }
                if (!container.isContainer(bundle)) {
                    return bundle;
                }
            }
            return null;
        });
    }

    /** The bundles that write the log's lines (already marked with their plugin, where a plugin logged them). */
    private static boolean isLogging(Bundle bundle) {
        String name = String.valueOf(bundle.getSymbolicName());
        return name.startsWith("ch.qos.logback.") || name.equals("slf4j.api") || name.startsWith("org.carehost.logging")
                || name.equals("org.apache.felix.log");
    }

    private static boolean passesOn(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return type == PluginPrints.class || type == Formatted.class || loader == null
                || loader == ClassLoader.getPlatformClassLoader() || type.getName().startsWith(GOGO_STREAMS);
    }
}
