package org.carehost.plugins.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.sdk.plugin.PluginEvents;
import org.osgi.framework.BundleEvent;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;

/**
 * The {@code carehost/plugin/*} events {@link LifecycleEvents} posts, each with its log line, and the rule that a
 * FAILED is posted once per distinct reason until the plugin's failure is news again: after it was updated, or
 * stopped after a start that was seen (STARTED). Not at STARTED itself: that event is delivered after the start, when
 * the activation check SCR's error asked for may have reported the failure already (it was posted twice); not at a
 * STOPPED with no STARTED before it: a start whose activator threw, which the deploy watcher tries again at each scan.
 */
final class LifecyclePosts {

    private final EventAdmin eventAdmin;
    private final Logger log;
    private final Map<Object, String> lastFailure = new ConcurrentHashMap<>();
    /** Plugins whose start has been seen (STARTED) since they last stopped. */
    private final Set<Long> started = ConcurrentHashMap.newKeySet();

    LifecyclePosts(EventAdmin eventAdmin, Logger log) {
        this.eventAdmin = eventAdmin;
        this.log = log;
    }

    /** A bundle event of a plugin: what it changes about which failures are news. */
    void lifecycle(long id, int eventType) {
        if (eventType == BundleEvent.STARTED) {
            started.add(id);
        }
        if (eventType == BundleEvent.UPDATED || eventType == BundleEvent.STOPPED && started.remove(id)) {
            lastFailure.remove(id);
        }
    }

    /** The plugin was uninstalled. */
    void forget(long id) {
        lastFailure.remove(id);
        started.remove(id);
    }

    /** FAILED, unless this reason was the last one posted for {@code key} (a bundle id, or a deploy file). */
    void failed(Object key, PluginIdentity identity, String reason) {
        if (reason.equals(lastFailure.put(key, reason))) {
            return;
        }
        post(PluginEvents.FAILED, identity, reason);
    }

    void post(String topic, PluginIdentity identity, String reason) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(PluginEvents.SYMBOLIC_NAME, identity.symbolicName());
        properties.put(PluginEvents.VERSION, identity.version());
        properties.put(PluginEvents.BUNDLE_ID, identity.id());
        if (reason != null) {
            properties.put(PluginEvents.REASON, reason);
        }
        String what = topic.substring(PluginEvents.TOPIC_PREFIX.length());
        if (reason == null) {
            log.info("Plugin {} {} (id {}) {}", identity.symbolicName(), identity.version(), identity.id(), what);
        } else {
            // One line with the reason and where to look next (a deploy file's failure: plugin:why <file name>).
            String name = identity.symbolicName();
            String why = name.chars().anyMatch(Character::isWhitespace) ? "'" + name + "'" : name;
            if (identity.deployFile()) {
                log.warn("Deploy file {} {}: {} (plugin:why {})", name, what, reason, why);
            } else {
                log.warn("Plugin {} {} {}: {} (plugin:why {})", name, identity.version(), what, reason, why);
            }
        }
        eventAdmin.postEvent(new Event(topic, properties));
    }
}
