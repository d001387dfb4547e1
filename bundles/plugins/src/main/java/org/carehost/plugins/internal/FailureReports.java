package org.carehost.plugins.internal;

import org.carehost.logging.ReportedFailures;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/**
 * Which log entries the plugin manager reports in a line of its own ({@link LifecycleEvents}' FAILED line, with the
 * reason and {@code plugin:why}), so that the log keeps them off the console: decided from the entry's source and the
 * bundle it is about, never from its message. Registered only while {@link LifecycleEvents} runs (its reference):
 * <ul>
 * <li>the framework's error events about a plugin: {@link LifecycleEvents#frameworkEvent} reports each;
 * <li>the deploy watcher's (FileInstall's) own entries: a plugin it fails to start cannot resolve or is refused (its
 * start is a resolve attempt, which the resolve check sees and reports), and a file it cannot install is reported by
 * the deploy folder's scan. The watcher's entries stay in the log file, in full.
 * <li>the DS runtime's error, with an exception, about one of a plugin's components (an activate or constructor that
 * threw: {@link LifecycleEvents} reports the component FAILED with the exception's cause). Decided from state: an ERROR
 * entry with an exception, about a plugin, under the implementation class of one of its components (the DS runtime's
 * logger for a component), logged from the DS runtime's code (the entry's location, which Felix's Log Service records).
 * Not from SCR's FAILED_ACTIVATION state: SCR logs before it sets that state, and the log's listeners may hear first.
 * Before, Felix's line ("Error during instantiation of the implementation object") came first on the console (tryout 16
 * #17). Its other errors with an exception about a plugin's component (a deactivate that threw) are in the log file only
 * too, at INFO.
 * </ul>
 */
@Component(service = ReportedFailures.class)
public final class FailureReports implements ReportedFailures {

    /**
     * The Log Service's logger of framework events (OSGi Log Service specification, "Mapping of Events"); Felix's Log
     * Service names it after the bundle the event is about too ({@code Events.Framework.<symbolic name>}).
     */
    static final String FRAMEWORK_EVENTS = "Events.Framework";
    /** The package of the DS runtime's code (Felix SCR), where it logs a component's failure from. */
    static final String DS_RUNTIME = "org.apache.felix.scr.";
    /** The deploy watcher. */
    static final String WATCHER = "org.apache.felix.fileinstall";

    private final PluginBundles bundles;
    private final ServiceComponentRuntime components;

    @Activate
    public FailureReports(BundleContext context, @Reference LifecycleEvents reporter,
            @Reference ServiceComponentRuntime components) {
        this.bundles = new PluginBundles(context);
        this.components = components;
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
        if (entry.getLogLevel() == LogLevel.ERROR && entry.getException() != null && bundles.isPlugin(about)) {
            return dsRuntimeError(about, entry);
        }
        return WATCHER.equals(about.getSymbolicName()) && !bundles.isPlugin(about);
    }

    /**
     * Whether the entry is the DS runtime's about a component of {@code plugin}: logged from the runtime's code, under
     * the component's implementation class.
     */
    private boolean dsRuntimeError(Bundle plugin, LogEntry entry) {
        StackTraceElement location = entry.getLocation();
        if (location == null || !location.getClassName().startsWith(DS_RUNTIME)) {
            return false;
        }
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(plugin)) {
            if (String.valueOf(entry.getLoggerName()).equals(description.implementationClass)) {
                return true;
            }
        }
        return false;
    }
}
