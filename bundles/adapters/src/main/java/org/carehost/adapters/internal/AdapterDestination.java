package org.carehost.adapters.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.carehost.audit.AuditEvent;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.notifications.OutboxDestination;
import org.carehost.notifications.OutboxEntry;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.plugin.AdapterMessage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Each attempt of a send: the outbox hands over entries of channel {@code adapter:<system>} (the first attempt at
 * once, retries on its back-off); the adapter serving the system is called through {@link PluginCalls} (kind
 * {@code adapter}) in a care context of the send's tenant and purpose, and the attempt is audited: what was sent
 * (resource type and id, never its content), to which system through which plugin, for which tenant and patient,
 * and the outcome.
 */
@Component(service = {OutboxDestination.class, AdapterDestination.class}, property = OutboxDestination.PREFIX + "=" + AdapterDestination.PREFIX)
public final class AdapterDestination implements OutboxDestination {

    static final String PREFIX = "adapter:";

    private final Adapters adapters;
    private final Recipients recipients;
    private final PluginCalls calls;
    private final ContextBinder binder;
    private final AuditLog audit;
    /** Receipts of first attempts someone waits for (by send id), taken by {@link #receipt}; "" until there is one. */
    private final Map<String, String> awaited = new ConcurrentHashMap<>();

    @Activate
    public AdapterDestination(@Reference Adapters adapters, @Reference Recipients recipients,
            @Reference PluginCalls calls,
            @Reference ContextBinder binder, @Reference AuditLog audit) {
        this.adapters = adapters;
        this.recipients = recipients;
        this.calls = calls;
        this.binder = binder;
        this.audit = audit;
    }

    @Override
    public String deliver(OutboxEntry entry, String purpose, String message) throws Exception {
        SendMessage send = SendMessage.read(message);
        String note = "to " + send.system() + " send " + entry.id() + " attempt " + (entry.attempts() + 1);
        try {
            Adapters.Found found = adapters.find(send.system(), entry.tenant()).orElseThrow(() ->
                    new IllegalStateException(
                    "no adapter serves system '" + send.system() + "' now (adapter:list shows those there are)"));
            note = "to " + send.system() + " through " + found.plugin().getSymbolicName() + " "
                    + found.plugin().getVersion() + " send " + entry.id() + " attempt " + (entry.attempts() + 1);
            CareContext care = binder.declare(entry.tenant(), null, Set.of(), Purpose.parse(purpose), null);
            recipients.check(found.plugin(), care, send.patientId());
            AdapterMessage outbound = new AdapterMessage(entry.id(), send.resourceType(), send.resourceId(),
                    send.fhirJson());
            String receipt = calls.call(found.service(), "adapter", "Adapter.send", adapter -> {
                try (ContextBinder.Binding bound = binder.bind(care)) {
                    return adapter.send(outbound);
                }
            });
            String shown = receipt == null ? null : receipt.substring(0, Math.min(200, receipt.length()));
            awaited.replace(entry.id(), shown == null ? "" : shown);
            append(entry, purpose, send, note + (shown == null ? "" : " receipt " + shown), AuditOutcome.SUCCESS, null);
            return shown;
        } catch (PluginCallException | RuntimeException e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            append(entry, purpose, send, note, AuditOutcome.ERROR, error);
            throw new IllegalStateException(error, e);
        }
    }

    /** Keeps the receipt of {@code id}'s next attempt for {@link #receipt}. */
    void await(String id) {
        awaited.put(id, "");
    }

    /** The receipt kept for {@code id} (empty when the system gave none, or there was no success), forgotten. */
    Optional<String> receipt(String id) {
        String receipt = awaited.remove(id);
        return receipt == null || receipt.isEmpty() ? Optional.empty() : Optional.of(receipt);
    }

    private void append(OutboxEntry entry, String purpose, SendMessage send, String note, AuditOutcome outcome,
            String reason) {
        audit.append(new AuditEvent(entry.plugin(), null, null, purpose, entry.tenant(), null, null, null,
                AuditAction.EXECUTE, "Adapter.send", send.resourceType(), send.resourceId(), send.patientId(), note,
                outcome, reason));
    }
}
