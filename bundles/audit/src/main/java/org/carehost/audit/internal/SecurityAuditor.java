package org.carehost.audit.internal;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditUnavailableException;
import org.carehost.sdk.event.SecurityEvents;
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
 * Puts the security manager's decisions in the trail: plugins refused (not resolved, impostor services) as
 * DENIED under the plugin's name, and the operator's policy changes (grant, revoke, mode) as updates under the name of
 * the operator who made them (the event's {@code user}).
 */
@Component(property = {EventConstants.EVENT_TOPIC + "=" + SecurityEvents.DENIED,
        EventConstants.EVENT_TOPIC + "=" + SecurityEvents.POLICY_CHANGED})
public final class SecurityAuditor implements EventHandler {

    private final AuditLog log;
    private final Logger logger;

    @Activate
    public SecurityAuditor(@Reference AuditLog log, @Reference(service = LoggerFactory.class) Logger logger) {
        this.log = log;
        this.logger = logger;
    }

    @Override
    public void handleEvent(Event event) {
        boolean denied = SecurityEvents.DENIED.equals(event.getTopic());
        String plugin = text(event, SecurityEvents.PLUGIN);
        String operation = text(event, SecurityEvents.OPERATION);
        if (operation == null) {
            logger.error("Security event {} without an operation not audited: {}", event.getTopic(),
                    event.getProperty(SecurityEvents.REASON));
            return;
        }
        try {
            log.append(new AuditEvent(denied && plugin != null ? plugin : ContainerActors.OPERATOR,
                    denied ? text(event, SecurityEvents.VERSION) : null,
                    denied ? null : text(event, SecurityEvents.USER), null,
                    denied ? AuditAction.EXECUTE : AuditAction.UPDATE, operation,
                    "Plugin", plugin, null, null, denied ? AuditOutcome.DENIED : AuditOutcome.SUCCESS,
                    text(event, SecurityEvents.REASON)));
        } catch (AuditUnavailableException | IllegalArgumentException | NullPointerException e) {
            logger.error("Security decision {} not audited: {}", event.getProperty(SecurityEvents.REASON), e.toString());
        }
    }

    private static String text(Event event, String key) {
        Object value = event.getProperty(key);
        return value == null ? null : String.valueOf(value);
    }
}
