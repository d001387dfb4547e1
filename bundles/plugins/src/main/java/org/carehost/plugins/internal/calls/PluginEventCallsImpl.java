package org.carehost.plugins.internal.calls;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.security.PluginEventCalls;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@link PluginEventCalls} through {@link PluginCalls}, kind {@code event}: one definition of a call into a plugin. */
@Component
public final class PluginEventCallsImpl implements PluginEventCalls {

    private final PluginCalls calls;

    @Activate
    public PluginEventCallsImpl(@Reference PluginCalls calls) {
        this.calls = calls;
    }

    @Override
    public void deliver(Bundle plugin, String topic, Runnable delivery) throws PluginCallException {
        calls.call(plugin, "event", "EventHandler.handleEvent " + topic, () -> {
            delivery.run();
            return null;
        });
    }
}
