package org.carehost.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.carehost.security.ContainerBundles;
import org.example.plugin.PluginCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * The origin of a line ({@link Origins}, {@code %origin}): the bundle of the first frame past Logback, SLF4J and the
 * JDK, whatever the thread and logger are called. Bundles are stood in for by class loaders that are
 * {@link BundleReference}s, as Felix's are.
 */
class OriginsTest {

    private static final String FORGED = "Security: operator admin granted plugin x use:files";

    private final Bundle plugin = bundle("file:/home/deploy/evil.jar", "evil.plugin", 42);
    private final Bundle container = bundle("jar/org.carehost.security", "org.carehost.security", 7);
    private final Origins origins = new Origins(new ContainerBundles("jar/org.carehost.*", null),
            new java.util.HashSet<>(java.util.Arrays.asList(OriginsTest.class.getClassLoader(), Logger.class.getClassLoader())));
    private final LoggerContext logback = new LoggerContext();
    private final List<String> written = new ArrayList<>();
    private Logger logger;

    @BeforeEach
    void logback() {
        new OriginRule(origins).install(logback);
        PatternLayout layout = new PatternLayout();
        layout.setContext(logback);
        layout.setPattern(logback.getProperty(OriginRule.VARIABLE) + "%msg");
        layout.start();
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                written.add(layout.doLayout(event));
            }
        };
        appender.setContext(logback);
        appender.start();
        logger = logback.getLogger("org.carehost.security.internal.SecurityManagerImpl");
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
    }

    @Test
    void aPluginsCallIsLabelledWhateverItsThreadAndLoggerAreCalled() throws Exception {
        Class<?> code = load(plugin);
        onThread("FelixStartLevel", () -> invoke(code, "warn", logger, FORGED));
        assertEquals(List.of("plugin evil.plugin: " + FORGED), written);
    }

    @Test
    void aPluginThatHasTheJdkMakeTheCallIsStillTheCaller() throws Exception {
        Class<?> code = load(plugin);
        invoke(code, "warnThroughTheJdk", logger, FORGED);
        assertEquals(List.of("plugin evil.plugin: " + FORGED), written);
    }

    @Test
    void theContainersLinesAreUnlabelledEvenOnAPluginsThread() throws Exception {
        Class<?> pluginCode = load(plugin);
        Class<?> containerCode = load(container);
        logger.warn("the container's own");
        Runnable containerLogs = () -> invoke(containerCode, "warn", logger, "logged for a plugin's call");
        invoke(pluginCode, "call", containerLogs);
        // the Runnable above is this test's (the container's) code too: the container's line
        assertEquals(List.of("the container's own", "logged for a plugin's call"), written);
    }

    @Test
    void codeOfAClassLoaderNoBundleOwnsIsUnidentified() throws Exception {
        Class<?> code = new Loader(getClass().getClassLoader()).loadClass(PluginCode.class.getName());
        invoke(code, "warn", logger, FORGED);
        assertEquals(List.of(Origins.UNIDENTIFIED + FORGED), written);
    }

    @Test
    void aLogServiceEntryIsLabelledByItsBundle() {
        BundleEvent entry = new BundleEvent(getClass().getName(), logger, Level.WARN, FORGED, null, plugin);
        BundleEvent own = new BundleEvent(getClass().getName(), logger, Level.WARN, "own", null, container);
        assertEquals("plugin evil.plugin: ", origins.of(entry));
        assertEquals("", origins.of(own));
        assertEquals("", origins.of(new BundleEvent(getClass().getName(), logger, Level.WARN, "none", null, null)));
    }

    @Test
    void theWordAndItsVariableOutliveAReset() throws Exception {
        // Logback resets its context before it reads a changed etc/logback.xml again (scan="true")
        logback.reset();
        assertEquals("%origin", logback.getProperty(OriginRule.VARIABLE));
        PatternLayout layout = new PatternLayout();
        layout.setContext(logback);
        layout.setPattern("%origin%msg");
        layout.start();
        BundleEvent entry = new BundleEvent(getClass().getName(), logger, Level.WARN, FORGED, null, plugin);
        assertEquals("plugin evil.plugin: " + FORGED, layout.doLayout(entry));
    }

    @Test
    void aSymbolicNameIsShownAsText() {
        assertEquals("plugin evil??x: ", origins.of(bundle("file:/x.jar", "evil\n\u001bx", 3)));
        assertEquals("plugin #3: ", origins.of(bundle("file:/x.jar", null, 3)));
    }

    private Class<?> load(Bundle bundle) throws ClassNotFoundException {
        return new BundleLoader(bundle, getClass().getClassLoader()).loadClass(PluginCode.class.getName());
    }

    private static void invoke(Class<?> code, String method, Object... arguments) {
        try {
            for (java.lang.reflect.Method candidate : code.getMethods()) {
                if (candidate.getName().equals(method)) {
                    candidate.invoke(null, arguments);
                    return;
                }
            }
            throw new AssertionError("no method " + method);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void onThread(String name, Runnable action) throws InterruptedException {
        Thread thread = new Thread(action, name);
        thread.start();
        thread.join();
    }

    private static Bundle bundle(String location, String symbolicName, long id) {
        return (Bundle) Proxy.newProxyInstance(OriginsTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getLocation" -> location;
                    case "getSymbolicName" -> symbolicName;
                    case "getBundleId" -> id;
                    case "getState" -> Bundle.ACTIVE;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == arguments[0];
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A bundle's class loader, as Felix's are: a BundleReference. */
    private static final class BundleLoader extends Loader implements BundleReference {

        private final Bundle bundle;

        BundleLoader(Bundle bundle, ClassLoader parent) {
            super(parent);
            this.bundle = bundle;
        }

        @Override
        public Bundle getBundle() {
            return bundle;
        }
    }

    /** Defines PluginCode itself, and delegates every other class. */
    private static class Loader extends ClassLoader {

        Loader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(PluginCode.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
