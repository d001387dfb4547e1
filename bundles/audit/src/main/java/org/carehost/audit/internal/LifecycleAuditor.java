package org.carehost.audit.internal;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.sdk.plugin.PluginEvents;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.carehost.security.ContainerActors;

/**
 * Puts every plugin lifecycle change (install, update, start, stop, uninstall, failure) in the trail: what
 * runs against patient data is part of the record. Operator commands that change plugins show up here.
 */
@Component(property = EventConstants.EVENT_TOPIC + "=" + PluginEvents.TOPIC_ALL)
public final class LifecycleAuditor implements EventHandler {

    private final AuditLog log;
    private final Logger logger;

    @Activate
    public LifecycleAuditor(@Reference AuditLog log, @Reference(service = LoggerFactory.class) Logger logger) {
        this.log = log;
        this.logger = logger;
    }

    @Override
    public void handleEvent(Event event) {
        String what = event.getTopic().substring(PluginEvents.TOPIC_PREFIX.length());
        boolean failed = PluginEvents.FAILED.equals(event.getTopic());
        try {
            log.append(new AuditEvent(ContainerActors.CONTAINER, null, null, null, AuditAction.EXECUTE,
                    "plugin." + what.toLowerCase(),
                    "Plugin", String.valueOf(event.getProperty(PluginEvents.SYMBOLIC_NAME)) + " "
                            + event.getProperty(PluginEvents.VERSION), null, null,
                    failed ? AuditOutcome.ERROR : AuditOutcome.SUCCESS,
                    failed ? String.valueOf(event.getProperty(PluginEvents.REASON)) : null));
        } catch (AuditUnavailableException e) {
            logger.error("Plugin lifecycle change {} not audited: {}", what, e.getMessage());
        }
    }
}
