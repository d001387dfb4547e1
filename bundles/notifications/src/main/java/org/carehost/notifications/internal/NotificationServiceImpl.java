package org.carehost.notifications.internal;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.clinical.PhiMinimum;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.notify.NotificationService;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.carehost.security.PluginLimits;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link NotificationService} as each plugin sees it (bundle scope): {@code send} stores the notification in the
 * outbox (committed before it returns) in the tenant and purpose of the call's care context; {@link Delivery} does
 * the rest. Needs {@code send:notifications}; audited. What is stored (and later handed to a notifier) is minimised
 * for the context's purpose of use as a read would be ({@link PhiMinimum}): for a notification to {@code Patient/<id>},
 * which must be a patient of the context's tenant (else it is refused, whatever the purpose, and nothing is queued),
 * the values of that patient's record and appointments the purpose does not read are withheld from its subject and
 * body, and research addresses it to the patient's pseudonym. A notification to any other recipient cannot be
 * minimised (nothing tells whose values its text holds): for a purpose whose reads minimise (payment, operations,
 * research) it is refused, naming the purpose and what to do, and nothing is queued.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class NotificationServiceImpl implements NotificationService {

    /** A recipient that is a patient of the tenant. */
    private static final Pattern PATIENT = Pattern.compile("Patient/([A-Za-z0-9\\-.]{1,64})");
    /** A recipient written as a patient reference in any other way (case, white space, an id out of shape). */
    private static final Pattern LIKE_A_PATIENT = Pattern.compile("(?is)\\s*patient\\s*/.*");

    private final Delivery delivery;
    private final PhiMinimum minimum;
    private final ContextBinder binder;
    private final Tenants tenants;
    private final AuditLog audit;
    private final Grants grants;
    private final PluginLimits limits;
    private final String plugin;
    private final String version;

    @Activate
    public NotificationServiceImpl(ComponentContext context, @Reference Delivery delivery,
            @Reference ContextBinder binder, @Reference Tenants tenants, @Reference AuditLog audit,
            @Reference PermissionGuard guard, @Reference PhiMinimum minimum, @Reference PluginLimits limits) {
        Bundle caller = context.getUsingBundle();
        this.delivery = delivery;
        this.minimum = minimum;
        this.binder = binder;
        this.tenants = tenants;
        this.audit = audit;
        this.grants = guard.grantsOf(caller);
        this.limits = limits;
        this.plugin = String.valueOf(caller.getSymbolicName());
        this.version = caller.getVersion().toString();
    }

    @Override
    public String send(String channel, Notification notification, String dedupeKey) {
        Objects.requireNonNull(notification, "notification");
        CareContext context = null;
        String id = UUID.randomUUID().toString();
        try {
            context = binder.effective(plugin);
            grants.check(Permission.SEND_NOTIFICATIONS);
            tenants.requireEnabled(plugin, context.tenant());
            check("channel", channel, "[A-Za-z0-9_.\\-]{1,100}");
            check("dedupeKey", dedupeKey, "[\\x21-\\x7e]{1,200}");
            checkSize(notification);
            Notification minimised = minimised(context, notification);
            // a dedupe key seen stores nothing: it is answered whatever waits
            OutboxRows.Queued queued = delivery.rows().insertBelow(id, plugin, context.tenant(),
                    context.purpose().code(), channel, dedupeKey, Delivery.message(minimised), delivery.now(),
                    limits.pendingNotifications(plugin));
            refuseOver(queued.waiting());
            String stored = queued.id();
            append(context, stored, "channel " + channel + (stored.equals(id) ? "" : " (dedupe key seen: not queued again)")
                    + (minimised.equals(notification) ? "" : " (minimised for " + context.purpose().code() + ")"),
                    AuditOutcome.SUCCESS, null);
            return stored;
        } catch (RuntimeException e) {
            append(context, id, "channel " + channel, e instanceof PermissionDeniedException ? AuditOutcome.DENIED
                    : AuditOutcome.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
    }

    /** The notification as its purpose may carry it (see the class comment). */
    private Notification minimised(CareContext context, Notification notification) {
        Matcher patient = PATIENT.matcher(notification.recipient());
        if (!patient.matches() && LIKE_A_PATIENT.matcher(notification.recipient()).matches()) {
            // else 'patient/<id>' or ' Patient/<id>' would pass as no patient at all, unchecked against the tenant
            throw new ValidationException("Notification", List.of(ValidationIssue.error("recipient", "'"
                    + notification.recipient() + "' reads as a patient reference but is not one as written: write it "
                    + "exactly 'Patient/<id>' (letters, digits, '-' and '.', at most 64), with no spaces. Nothing was "
                    + "queued")));
        }
        if (!patient.matches()) {
            Purpose purpose = context.purpose();
            if (minimum.minimises(purpose)) { // fail closed: nothing tells whose values the text holds
                throw new ValidationException("Notification", List.of(ValidationIssue.error("recipient", "'"
                        + notification.recipient() + "' is not a patient: a notification sent for purpose "
                        + purpose.code() + " (" + purpose.name().toLowerCase(java.util.Locale.ROOT) + ") is minimised "
                        + "as a read for it would be, which needs the patient it is about as its recipient, "
                        + "'Patient/<id>'. Nothing was queued. Address it to Patient/<id>, or send it in a care "
                        + "context whose purpose reads the whole record (treatment)")));
            }
            return notification;
        }
        String id = patient.group(1);
        if (!minimum.hasPatient(context.tenant(), id)) { // whatever the purpose: it would leave in this tenant's name
            throw new ValidationException("Notification", List.of(ValidationIssue.error("recipient", "'"
                    + notification.recipient() + "' is not a patient of tenant " + context.tenant() + ". Nothing was "
                    + "queued. Address it to one of the tenant's patients (Patient/<id> of a patient stored in "
                    + context.tenant() + "), or send it in the care context of the tenant the patient belongs to")));
        }
        return new Notification("Patient/" + minimum.reference(context.tenant(), context.purpose(), id),
                minimum.minimise(context.tenant(), context.purpose(), id, notification.subject()),
                minimum.minimise(context.tenant(), context.purpose(), id, notification.body()));
    }

    /** Subject and body together within the policy's size for a notification of this plugin (UTF-8 bytes). */
    private void checkSize(Notification notification) {
        long most = limits.notificationBytes(plugin);
        long size = utf8(notification.subject()) + utf8(notification.body());
        if (size > most) {
            throw new ValidationException("Notification", List.of(ValidationIssue.error("body", "subject and body take "
                    + size + " bytes, more than the " + most + " a notification of " + plugin + " may take. Nothing "
                    + "was queued. Send less (a reference to the data rather than the data), or ask the operator to "
                    + "raise it: 'notification-kib plugin " + plugin + " <KiB>' in the security policy")));
        }
    }

    /**
     * Refuses the notification when as many of this plugin's as the policy allows were waiting ({@code waiting}, or -1
     * when it was stored: counted and stored as one step, {@link OutboxRows#insertBelow}).
     */
    private void refuseOver(long waiting) {
        if (waiting >= 0) {
            throw new ValidationException("Notification", List.of(ValidationIssue.error("outbox", plugin + " has "
                    + waiting + " notifications waiting in the outbox, its limit. Nothing was queued. Send again once "
                    + "some are delivered (the operator's notify:list shows them), or ask the operator to raise it: 'notifications "
                    + "plugin " + plugin + " <n>' in the security policy")));
        }
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static void check(String field, String value, String pattern) {
        if (value == null || !value.matches(pattern)) {
            throw new ValidationException("Notification", List.of(ValidationIssue.error(field, "'" + value
                    + "' is not valid (" + (field.equals("channel") ? "1 to 100 letters, digits, '.', '_', '-'"
                            : "1 to 200 printable characters without spaces") + ")")));
        }
    }

    private void append(CareContext context, String id, String what, AuditOutcome outcome, String reason) {
        audit.append(new AuditEvent(plugin, version, context == null ? null : context.user(),
                context == null ? null : context.purpose().code(), context == null ? null : context.tenant(), null,
                context == null ? null : context.correlationId(), null, AuditAction.CREATE, "NotificationService.send",
                "Notification", id, null, what, outcome, reason));
    }
}
