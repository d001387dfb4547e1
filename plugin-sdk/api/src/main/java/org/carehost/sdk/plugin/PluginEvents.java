package org.carehost.sdk.plugin;

/**
 * Event Admin topics the container posts whenever a plugin's lifecycle changes, and the properties
 * each event carries. Subscribe with an {@code org.osgi.service.event.EventHandler} whose
 * {@code event.topics} is {@link #TOPIC_ALL} or one of the topics below.
 */
public final class PluginEvents {

    /** Common prefix of every plugin lifecycle topic. */
    public static final String TOPIC_PREFIX = "carehost/plugin/";
    /** Wildcard subscription to every plugin lifecycle topic. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    public static final String INSTALLED = TOPIC_PREFIX + "INSTALLED";
    public static final String RESOLVED = TOPIC_PREFIX + "RESOLVED";
    public static final String STARTED = TOPIC_PREFIX + "STARTED";
    public static final String STOPPED = TOPIC_PREFIX + "STOPPED";
    public static final String UPDATED = TOPIC_PREFIX + "UPDATED";
    public static final String UNINSTALLED = TOPIC_PREFIX + "UNINSTALLED";
    /** The plugin could not be installed, resolved or started, or one of its components failed. */
    public static final String FAILED = TOPIC_PREFIX + "FAILED";
    /** A plugin went over its quota of host-service calls; posted once per window. */
    public static final String RESOURCE_EXCEEDED = TOPIC_PREFIX + "RESOURCE_EXCEEDED";
    /** The plugin was stopped for going over a run-time budget; {@code plugin:start} lifts it. */
    public static final String QUARANTINED = TOPIC_PREFIX + "QUARANTINED";

    /** Property: the plugin's bundle symbolic name ({@code String}); the standard Event Admin key. */
    public static final String SYMBOLIC_NAME = "bundle.symbolicName";
    /** Property: the plugin's bundle version ({@code String}); the standard Event Admin key. */
    public static final String VERSION = "bundle.version";
    /** Property: the plugin's bundle id ({@code Long}); the standard Event Admin key. */
    public static final String BUNDLE_ID = "bundle.id";
    /** Property: where the plugin came from, {@code deploy} or {@code shell} ({@code String}). */
    public static final String ORIGIN = "plugin.origin";
    /** Property on {@link #FAILED} only: the reason in plain words ({@code String}). */
    public static final String REASON = "plugin.reason";

    private PluginEvents() {
    }
}
