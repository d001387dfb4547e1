package org.carehost.logging.internal;

import java.util.Hashtable;

import org.carehost.logging.LogAdmin;
import org.carehost.logging.ReportedFailures;
import org.carehost.security.ContainerBundles;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.bridge.SLF4JBridgeHandler;

import ch.qos.logback.classic.LoggerContext;

/**
 * Connects the OSGi Log Service to Logback: every Log Service entry goes to the appenders of
 * etc/logback.xml, and the Log Service's levels follow the logger levels set there (the Log Service
 * default is WARN, which would drop every INFO line before it reaches Logback). Libraries that log
 * through java.util.logging go to Logback too.
 *
 * <p>Replaces org.apache.felix.logback 1.0.6, whose events carry no LoggerContext: Logback 1.3.8 and
 * later need one (for the MDC), so each of its events failed in the appenders and nothing was written.
 */
public final class Activator implements BundleActivator {

    private ServiceTracker<LoggerAdmin, LevelSync> levels;
    private ServiceTracker<LogReaderService, LogReaderService> readers;
    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> configAdmin;
    private ServiceTracker<ReportedFailures, ReportedFailures> reporters;
    private RuntimeLevels runtimeLevels;
    private ServiceRegistration<?> managed;
    private ServiceRegistration<LogAdmin> admin;
    private LoggerContext logback;
    private OriginRule origins;
    private LibraryLines libraryLines;
    private ConsoleNotices notices;
    private RescanFailures rescans;
    private PluginLogBudget budget;

    @Override
    public void start(BundleContext context) {
        LoggerContext logback = logbackContext();
        this.logback = logback;
        // Every line a plugin's code logs names the plugin (%origin, in etc/logback.xml): registered, then the file
        // read again with it.
        Origins writers = new Origins(new ContainerBundles(context), containerLoaders());
        origins = new OriginRule(writers);
        withOwnClassLoader(() -> origins.install(logback));
        // the console shows LogAdmin.NOTICES at INFO; a rescan of a changed, broken etc/logback.xml says so
        notices = new ConsoleNotices(logback);
        notices.install();
        rescans = new RescanFailures(logback);
        rescans.install();
        // a plugin's lines are held to a budget, so that none can roll the container's history out of data/log
        budget = new PluginLogBudget(logback, writers::of);
        budget.install();

        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();

        levels = new ServiceTracker<>(context, LoggerAdmin.class, null) {
            @Override
            public LevelSync addingService(ServiceReference<LoggerAdmin> reference) {
                LoggerAdmin admin = context.getService(reference);
                return admin == null ? null : new LevelSync(admin, logback);
            }

            @Override
            public void removedService(ServiceReference<LoggerAdmin> reference, LevelSync sync) {
                sync.close();
                context.ungetService(reference);
            }
        };
        levels.open();

        reporters = new ServiceTracker<>(context, ReportedFailures.class, null);
        reporters.open();
        // a library's lines through SLF4J (Felix HTTP's) that a reporter claims: to the file only, at INFO
        libraryLines = new LibraryLines(new ContainerBundles(context), entry -> reportedElsewhere(entry));
        libraryLines.install(logback);
        LogbackListener listener = new LogbackListener(logback,
                () -> context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING,
                entry -> reportedElsewhere(entry));
        readers = new ServiceTracker<>(context, LogReaderService.class, null) {
            @Override
            public LogReaderService addingService(ServiceReference<LogReaderService> reference) {
                LogReaderService reader = context.getService(reference);
                if (reader != null) {
                    reader.addLogListener(listener);
                }
                return reader;
            }

            @Override
            public void removedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
                reader.removeLogListener(listener);
                context.ungetService(reference);
            }
        };
        readers.open();

        // Levels set at run time (log:level), kept in Config Admin; and the service the shell's log scope uses.
        configAdmin = new ServiceTracker<>(context, ConfigurationAdmin.class, null);
        configAdmin.open();
        runtimeLevels = new RuntimeLevels(logback);
        Hashtable<String, Object> pid = new Hashtable<>();
        pid.put(Constants.SERVICE_PID, LogAdmin.PID);
        managed = context.registerService(ManagedService.class, runtimeLevels, pid);
        admin = context.registerService(LogAdmin.class, new LogAdminImpl(logback, runtimeLevels, configAdmin::getService),
                null);
    }

    @Override
    public void stop(BundleContext context) {
        admin.unregister();
        managed.unregister();
        configAdmin.close();
        runtimeLevels.close();
        readers.close();
        libraryLines.uninstall(logback);
        reporters.close();
        levels.close();
        SLF4JBridgeHandler.uninstall();
        budget.uninstall();
        rescans.uninstall();
        notices.uninstall();
        origins.uninstall(logback);
    }

    /**
     * The class loaders of the framework and of carehost.jar's class path (the launcher, the agent): their classes are
     * the container's, although no bundle defines them.
     */
    private static java.util.Set<ClassLoader> containerLoaders() {
        java.util.Set<ClassLoader> loaders = new java.util.HashSet<>();
        for (ClassLoader start : new ClassLoader[] {org.osgi.framework.Bundle.class.getClassLoader(),
            ClassLoader.getSystemClassLoader()}) {
            for (ClassLoader loader = start; loader != null; loader = loader.getParent()) {
                loaders.add(loader);
            }
        }
        loaders.remove(ClassLoader.getPlatformClassLoader());
        return loaders;
    }

    private static void withOwnClassLoader(Runnable action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Activator.class.getClassLoader());
        try {
            action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Whether a container component reports what the entry says in a line of its own. */
    private boolean reportedElsewhere(org.osgi.service.log.LogEntry entry) {
        for (ReportedFailures reporter : reporters.getServices(new ReportedFailures[0])) {
            try {
                if (reporter.reports(entry)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // a reporter going away: the entry stays on the console
            }
        }
        return false;
    }

    /** Logback's context, configured (from logback.configurationFile) on first use. */
    private static LoggerContext logbackContext() {
        // Logback looks its configurators up through the context class loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Activator.class.getClassLoader());
        try {
            Object factory = org.slf4j.LoggerFactory.getILoggerFactory();
            if (!(factory instanceof LoggerContext)) {
                throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName()
                        + ", not to Logback: is the service loader mediator running before slf4j.api?");
            }
            return (LoggerContext) factory;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
