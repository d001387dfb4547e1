package org.carehost.plugins.internal;

import org.carehost.logging.ReportedFailures;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;

/**
 * Which log entries the plugin manager reports in a line of its own ({@link LifecycleEvents}' FAILED line, with the
 * reason and {@code plugin:why}), so that the log keeps them off the console: decided from the entry's source and the
 * bundle it is about, never from its message. Registered only while {@link LifecycleEvents} runs (its reference):
 * <ul>
 * <li>the framework's error events about a plugin: {@link LifecycleEvents#frameworkEvent} reports each;
 * <li>the deploy watcher's (FileInstall's) own entries: a plugin it fails to start cannot resolve or is refused (its
 * start is a resolve attempt, which the resolve check sees and reports), and a file it cannot install is reported by
 * the deploy folder's scan. The watcher's entries stay in the log file, in full.
 * </ul>
 */
@Component(service = ReportedFailures.class)
public final class FailureReports implements ReportedFailures {

    /**
     * The Log Service's logger of framework events (OSGi Log Service specification, "Mapping of Events"); Felix's Log
     * Service names it after the bundle the event is about too ({@code Events.Framework.<symbolic name>}).
     */
    static final String FRAMEWORK_EVENTS = "Events.Framework";
    /** The deploy watcher. */
    static final String WATCHER = "org.apache.felix.fileinstall";

    private final PluginBundles bundles;

    @Activate
    public FailureReports(BundleContext context, @Reference LifecycleEvents reporter) {
        this.bundles = new PluginBundles(context);
    }

    @Override
    public boolean reports(LogEntry entry) {
        Bundle about = entry.getBundle();
        if (about == null) {
            return false;
        }
        String logger = String.valueOf(entry.getLoggerName());
        if (logger.equals(FRAMEWORK_EVENTS) || logger.startsWith(FRAMEWORK_EVENTS + ".")) {
            return bundles.isPlugin(about);
        }
        return WATCHER.equals(about.getSymbolicName()) && !bundles.isPlugin(about);
    }
}
