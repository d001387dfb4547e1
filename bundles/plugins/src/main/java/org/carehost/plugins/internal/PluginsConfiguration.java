package org.carehost.plugins.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The plugin manager's settings ({@code etc/org.carehost.plugins.cfg}), in force as soon as they change. */
@ObjectClassDefinition(id = PluginsConfiguration.PID, name = "Carehost plugin manager",
        description = "How long a plugin's code may hold the thread that starts or stops it.")
@interface PluginsConfiguration {

    String PID = "org.carehost.plugins";

    @AttributeDefinition(min = "1", max = "3600", description = "Seconds a plugin's activator, a component's "
            + "constructor, activate or deactivate may run on the thread that starts or stops the plugin (the "
            + "framework's, the deploy watcher's, an operator's command's). Past them the plugin is reported FAILED "
            + "and quarantined (it is not started again, across restarts too, until an operator starts it), and an "
            + "operator's plugin:start, stop, update or uninstall answers instead of waiting longer")
    int heldSeconds() default 30;
}
