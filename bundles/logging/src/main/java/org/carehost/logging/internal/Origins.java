package org.carehost.logging.internal;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Who wrote a log line: a plugin (its label, {@code plugin <symbolic name>: }) or the container (no label). A plugin
 * chooses its thread's name and its logger's name freely, so neither can say; what it cannot choose is the bundle its
 * code belongs to, nor the bundle the Log Service records for its entries.
 *
 * <ul>
 * <li>A Log Service entry ({@link BundleEvent}): the bundle the Log Service recorded.
 * <li>A call to SLF4J (or to java.util.logging, through the bridge) made directly: the class of the first stack frame
 * past the logging machinery, that is past Logback, SLF4J, Felix Log and this bundle (when they are the container's)
 * and past the JDK (a plugin that has {@code List.forEach(log::warn)} make the call is still the caller). Only the
 * direct caller counts: a container service that logs on a plugin's thread writes the container's line.
 * </ul>
 *
 * <p>Why the stack walk is here, in the layout (through {@link OriginConverter}), and not in a filter: Logback calls a
 * converter only for an event an appender writes, after the level and the filters let it through, so a level check
 * ({@code isDebugEnabled}) or a disabled DEBUG line costs nothing. The walk is on the logging thread because Logback's
 * appenders here are synchronous (with an AsyncAppender the walk would see the appender's thread and call the line the
 * container's). Both appenders write the same event: the last event's origin is kept, so the walk is made once.
 *
 * <p>A frame of a class no bundle defines and neither the JDK nor the framework's class path (a class loader a plugin
 * made) is labelled {@code unidentified code: }: it may well be a plugin's.
 */
final class Origins {

    /** The label of a line whose direct caller was defined by a class loader no bundle owns. */
    static final String UNIDENTIFIED = "unidentified code: ";

    private static final String[] MACHINERY = {"ch.qos.logback.", "org.slf4j.", "org.apache.felix.log.",
        "org.carehost.logging."};

    private final ContainerBundles container;
    /** The class loaders of the framework and the launcher (carehost.jar's class path): the container's. */
    private final Set<ClassLoader> containerLoaders;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private final StackWalker walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** The last event labelled and its label (both appenders write each event). */
    private volatile Memo last = new Memo(new WeakReference<>(null), "");

    private record Memo(WeakReference<ILoggingEvent> event, String label) {
    }

    Origins(ContainerBundles container, Set<ClassLoader> containerLoaders) {
        this.container = container;
        this.containerLoaders = Set.copyOf(containerLoaders);
    }

    /** The label of {@code event}, written on the thread that logged it: empty for the container's own. */
    String of(ILoggingEvent event) {
        if (event instanceof BundleEvent entry) {
            return of(entry.bundle());
        }
        Memo memo = last;
        if (memo.event().get() == event) {
            return memo.label();
        }
        String label = walker.walk(frames -> ofCaller(frames.map(StackWalker.StackFrame::getDeclaringClass)));
        last = new Memo(new WeakReference<>(event), label);
        return label;
    }

    /** The label of a line the code of {@code bundle} logged (null: the Log Service knew of none, the framework's). */
    String of(Bundle bundle) {
        if (bundle == null || container.isContainer(bundle)) {
            return "";
        }
        String name = bundle.getSymbolicName();
        return name == null ? "plugin #" + bundle.getBundleId() + ": " : "plugin " + printable(name) + ": ";
    }

    /** The label of the first class in {@code frames} (innermost first) past the JDK and the logging machinery. */
    String ofCaller(Stream<Class<?>> frames) {
        for (Iterator<Class<?>> classes = frames.iterator(); classes.hasNext();) {
            Class<?> type = classes.next();
            ClassLoader loader = type.getClassLoader();
            if (loader == null || loader == platform) {
                continue; // the JDK
            }
            boolean containers;
            if (loader instanceof BundleReference reference) {
                Bundle bundle = reference.getBundle();
                if (bundle == null) {
                    return UNIDENTIFIED;
                }
                if (!container.isContainer(bundle)) {
                    return of(bundle);
                }
                containers = true;
            } else {
                containers = containerLoaders.contains(loader);
            }
            if (!containers) {
                return UNIDENTIFIED;
            }
            if (!isMachinery(type.getName())) {
                return "";
            }
        }
        return ""; // nothing but the JDK and the machinery: a JDK thread's line (java.util.logging's own)
    }

    private static boolean isMachinery(String className) {
        for (String prefix : MACHINERY) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** A symbolic name as the log shows it: what a symbolic name may hold, anything else as '?'. */
    private static String printable(String name) {
        StringBuilder shown = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-';
            shown.append(token ? c : '?');
        }
        return shown.toString();
    }
}
