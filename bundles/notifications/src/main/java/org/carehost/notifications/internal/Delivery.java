package org.carehost.notifications.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.crypto.PhiCipher;
import org.carehost.notifications.Outbox;
import org.carehost.notifications.OutboxDestination;
import org.carehost.notifications.OutboxEntry;
import org.carehost.plugins.ContainerStart;
import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.carehost.store.StaleClaims;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Delivers the outbox: every {@value #POLL_MILLIS} ms the notifications due by the container {@link Clock} are
 * claimed one by one and handed to the {@link Notifier} of their channel that {@link Notifiers} chooses for their
 * tenant (one plugin's; none while two plugins enabled there offer the channel) through {@link PluginCalls}
 * (kind {@code notifier}), in a care context of the sender's tenant and purpose. A failed attempt is retried after
 * 5 s, doubling up to an hour; after {@value #MAX_ATTEMPTS} attempts the notification is a dead letter. Every
 * attempt is audited and posted ({@link Outcomes}). The entries due are delivered one after another on one thread;
 * once a notifier's plugin has overrun its deadline in a pass, its other entries wait for the next pass (left due, no
 * attempt counted), so one slow plugin holds the others up by at most one deadline a pass. Entries whose channel
 * starts with an {@link OutboxDestination}'s prefix (the adapters' sends, {@code adapter:<system>}) go to that
 * destination instead, with the same claims, retries and dead letters. The poller delivers nothing until the container has started
 * ({@link ContainerStart}, at most {@link #START_WAIT}): before, a notifier's plugin may simply not be back yet, and each
 * restart counted that as a failed attempt of every notification due (audited as an error, and the next attempt put
 * off by the doubling pause). {@link #attemptNow} is not held back: its caller (an operator's {@code adapter:send}) is
 * there to see the outcome, and a refused first attempt stays in the outbox for the poller.
 */
@Component(service = {Delivery.class, Outbox.class}, immediate = true)
public final class Delivery implements Outbox {

    static final long POLL_MILLIS = 200;
    static final int MAX_ATTEMPTS = 8;
    static final Duration FIRST_PAUSE = Duration.ofSeconds(5);
    static final Duration LONGEST_PAUSE = Duration.ofHours(1);
    /** How long a claimed entry is held by the node delivering it. */
    static final Duration CLAIM = Duration.ofMinutes(2);
    /** The longest the outbox waits for the container's start before it delivers anyway (a level never reached). */
    static final Duration START_WAIT = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BundleContext context;
    private final OutboxRows rows;
    private final PluginCalls calls;
    private final Notifiers notifiers;
    private final ContextBinder binder;
    private final AuditLog audit;
    private final Outcomes outcomes;
    private final Logger log;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(null, r, "carehost-outbox", 0, false));

    /** When this activation began ({@link System#nanoTime}), for {@link #START_WAIT}. */
    private final long activated = System.nanoTime();
    /** Set once the container has started (or {@link #START_WAIT} has passed): from then on every pass delivers. */
    private volatile boolean started;

    /** Set at deactivation: a polling pass stops before its next entry. */
    private volatile boolean stopping;

    /** The container's clock (bundles/clock), which follows a test's clock while one is registered. */
    private final Clock clock;

    @Activate
    public Delivery(BundleContext context, @Reference Store store, @Reference PhiCipher cipher,
            @Reference PluginCalls calls, @Reference Notifiers notifiers, @Reference ContextBinder binder,
            @Reference AuditLog audit, @Reference EventAdmin events,
            @Reference(service = LoggerFactory.class) Logger log,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.clock = clock;
        this.outcomes = new Outcomes(this.rows = new OutboxRows(store, cipher), events, audit, log, this::now);
        this.context = context;
        this.calls = calls;
        this.notifiers = notifiers;
        this.binder = binder;
        this.audit = audit;
        this.log = log;
        if (StaleClaims.releasableAtStart(store, context, "outbox")) {
            // Only this process can open the database, and no delivery has started in this process yet (this is the
            // outbox's first activation since the framework started): an entry still claimed is one an earlier run
            // was delivering when it was killed. Attempt it again now instead of after the claim's two minutes.
            int released = rows.releaseClaims();
            if (released > 0) {
                log.warn("Outbox: {} notification(s) were being delivered when the container last stopped without "
                        + "finishing; they are attempted again (a notifier may see one twice: delivery is at least once)",
                        released);
            }
        }
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true; // the pass under way ends after its current delivery, which is not interrupted
        poller.shutdown();
        // Wait, bounded, so that the delivery under way can record its outcome with this activation's store and
        // cipher. Its claim stays this process's either way: a later activation in this process does not release it
        // (StaleClaims), and if it is still claimed after its two minutes the poller takes it over.
        if (!poller.awaitTermination(30, TimeUnit.SECONDS)) {
            log.warn("Outbox: a delivery was still under way 30 s after the outbox stopped; its entry is attempted "
                    + "again once its claim expires if its outcome is not recorded");
        }
    }

    Instant now() {
        return clock.instant();
    }

    OutboxRows rows() {
        return rows;
    }

    private void poll() {
        try {
            if (!started()) {
                return; // the plugins are still being started: no notifier's absence counts as an attempt yet
            }
            // plugins whose call overran its deadline in this pass: their other entries wait for the next pass, so that
            // one slow plugin holds this one thread for at most one deadline a pass, never every plugin's entries
            // behind its own (red team 21: a notifier that slept every other call delayed every other plugin's
            // notifications without bound, and never overran twice in a row to be quarantined)
            Set<String> overran = new HashSet<>();
            for (OutboxRows.Row row : rows.due(now(), 20)) {
                if (stopping || Thread.currentThread().isInterrupted()) {
                    return; // the outbox is stopping: the rest stay pending for the next start
                }
                String slow = deliver(row, overran);
                if (slow != null) {
                    overran.add(slow);
                }
            }
        } catch (RuntimeException e) {
            if (stopping) {
                // the outbox stops (the container, or a service it uses): the pass was cut short, not failed
                log.info("Outbox: a delivery pass was cut short by the stop: {}", e.toString());
            } else {
                log.error("Outbox: a delivery pass failed; the next pass tries again: {}", e.toString());
            }
        }
    }

    private boolean started() {
        if (!started && (ContainerStart.reached(context) || System.nanoTime() - activated > START_WAIT.toNanos())) {
            started = true;
        }
        return started;
    }

    /**
     * One attempt of the entry, unless its notifier's plugin is among {@code overran} (then it is left due as it was).
     *
     * @return the symbolic name of the plugin whose call overran its deadline in this attempt, else null
     */
    private String deliver(OutboxRows.Row row, Set<String> overran) {
        OutboxEntry entry = row.entry();
        Instant now = now();
        if (!rows.claim(row, now.plus(CLAIM))) {
            return null; // another node has it
        }
        long claimed = row.version() + 1;
        ServiceReference<OutboxDestination> destination = destination(entry.channel());
        if (destination != null) {
            deliverTo(destination, row, claimed); // a destination's own calls into plugins are not told apart here
            return null;
        }
        String error = null;
        String notifierName = "none";
        String slow = null;
        try {
            // decided for this entry's tenant; a conflict or no notifier is this attempt's error (retried, then dead)
            Notifiers.Choice choice = notifiers.choose(entry.channel(), entry.tenant());
            PluginService<Notifier> reference = choice.notifier();
            if (reference == null) {
                error = choice.refusal();
            } else if (overran.contains(reference.plugin().getSymbolicName())) {
                rows.release(row.entry().id(), claimed); // its turn comes at the next pass, no attempt counted
                return null;
            } else {
                notifierName = reference.plugin().getSymbolicName();
                Notification notification = notification(rows.open(row));
                CareContext care = binder.declare(entry.tenant(), null, Set.of(), Purpose.parse(row.purpose()), null);
                // while the notifier's plugin is being updated, this waits for the new version (PluginCalls)
                calls.call(reference, "notifier", "Notifier.send", notifier -> {
                    try (ContextBinder.Binding bound = binder.bind(care)) {
                        notifier.send(notification);
                    }
                    return null;
                });
            }
        } catch (PluginCallException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            slow = overranBy(e);
        } catch (SQLException | RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        String operation = "Notifier.send";
        String note = "channel " + entry.channel() + " notifier " + notifierName;
        outcomes.record(row, claimed, error, operation, note);
        return slow;
    }

    /** The plugin whose call overran its deadline, when that is what {@code failure} (or its cause) is; else null. */
    private static String overranBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PluginCallException call && call.reason() == PluginCallException.Reason.TIMED_OUT) {
                return call.plugin();
            }
        }
        return null;
    }

    private void deliverTo(ServiceReference<OutboxDestination> reference, OutboxRows.Row row, long claimed) {
        OutboxDestination destination = context.getService(reference);
        String error = null;
        String receipt = null;
        try {
            if (destination == null) {
                error = "the outbox destination for channel " + row.entry().channel() + " went away";
            } else {
                receipt = destination.deliver(row.entry(), row.purpose(), rows.open(row));
            }
        } catch (Exception e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            if (destination != null) {
                context.ungetService(reference);
            }
        }
        outcomes.record(row, claimed, error, "Outbox.deliver", "channel " + row.entry().channel()
                + (receipt == null ? "" : " receipt " + receipt));
    }

    private ServiceReference<OutboxDestination> destination(String channel) {
        try {
            return context.getServiceReferences(OutboxDestination.class, null).stream()
                    .filter(reference -> reference.getProperty(OutboxDestination.PREFIX) instanceof String prefix
                            && !prefix.isEmpty() && channel.startsWith(prefix))
                    .max((a, b) -> a.compareTo(b)).orElse(null);
        } catch (InvalidSyntaxException e) {
            return null;
        }
    }

    @Override
    public String enqueue(String sender, String tenant, String purpose, String channel, String dedupeKey,
            String message) {
        if (destination(channel) == null) {
            throw new IllegalArgumentException("no outbox destination serves channel '" + channel + "'");
        }
        String id = UUID.randomUUID().toString();
        Instant now = now();
        // Held for as long as a claim lasts, so that the caller's attemptNow does not race the poller for it; if the
        // caller never gets to attempt it (a crash), the poller does once the hold is over.
        return rows.insert(id, sender, tenant, purpose, channel, dedupeKey, message, now, now.plus(CLAIM))
                .orElse(id);
    }

    @Override
    public Optional<OutboxEntry> attemptNow(String id) {
        Optional<OutboxRows.Row> row = rows.byId(id);
        if (row.isPresent() && row.get().entry().state().equals("PENDING")) {
            deliver(row.get(), Set.of());
        }
        return rows.byId(id).map(OutboxRows.Row::entry);
    }

    static String message(Notification notification) {
        return JSON.createObjectNode().put("recipient", notification.recipient()).put("subject", notification.subject())
                .put("body", notification.body()).toString();
    }

    private static Notification notification(String message) {
        try {
            JsonNode node = JSON.readTree(message);
            return new Notification(node.path("recipient").asText(), node.path("subject").isNull() ? null
                    : node.path("subject").asText(null), node.path("body").asText());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the stored notification is not readable: " + e.getMessage(), e);
        }
    }

    @Override
    public List<OutboxEntry> entries(boolean failedOnly) {
        return rows.newest(failedOnly).stream().map(OutboxRows.Row::entry).toList();
    }

}
