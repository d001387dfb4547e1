package org.carehost.notifications.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.notifications.Outbox;
import org.carehost.notifications.OutboxEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code notify:} scope: {@code notify:list [--failed]}, a thin command over {@link Outbox}, followed by the
 * channels more than one plugin offers ({@link Notifiers#conflicts()}).
 */
@Component(service = NotifyCommands.class, property = {
        "osgi.command.scope=notify",
        "osgi.command.function=list"
})
public final class NotifyCommands {

    private final Outbox outbox;
    private final Notifiers notifiers;

    @Activate
    public NotifyCommands(@Reference Outbox outbox, @Reference Notifiers notifiers) {
        this.outbox = outbox;
        this.notifiers = notifiers;
    }

    @Descriptor("the newest 200 notifications in the outbox (never their content)")
    public String list() {
        return table(outbox.entries(false)) + conflicts();
    }

    @Descriptor("dead letters: notifications every attempt failed to deliver")
    public String list(@Descriptor("--failed") String failed) {
        if (!failed.equals("--failed")) {
            throw new IllegalArgumentException("Usage: notify:list [--failed]");
        }
        return table(outbox.entries(true)) + conflicts();
    }

    /**
     * Channels more than one plugin offers: their notifications wait in a tenant where two of those plugins are
     * enabled, and only the operator can say which plugin the channel is (a notifier's ranking cannot).
     */
    private String conflicts() {
        StringBuilder out = new StringBuilder();
        notifiers.conflicts().forEach((channel, plugins) -> out.append("CONFLICT: channel ").append(channel)
                .append(" is offered by more than one plugin (").append(String.join(", ", plugins))
                .append("): a channel belongs to one plugin, so its notifications wait in the outbox in a tenant where "
                        + "more than one of them is enabled. Keep one: plugin:uninstall the others, or "
                        + "plugin:disable <plugin> --tenant <tenant>\n"));
        return out.toString();
    }

    private static String table(List<OutboxEntry> entries) {
        if (entries.isEmpty()) {
            return "No notifications.\n";
        }
        StringBuilder out = new StringBuilder(String.format("%-36s  %-30s  %-10s  %-8s  %-9s  %-8s  %s%n", "ID",
                "PLUGIN", "TENANT", "CHANNEL", "STATE", "ATTEMPTS", "NEXT ATTEMPT / LAST ERROR"));
        for (OutboxEntry entry : entries) {
            String note = entry.state().equals("PENDING") ? String.valueOf(entry.nextAttempt()) : "";
            if (entry.lastError() != null) {
                note += (note.isEmpty() ? "" : "; ") + entry.lastError().replaceAll("\\s+", " ");
            }
            out.append(String.format("%-36s  %-30s  %-10s  %-8s  %-9s  %-8d  %s", entry.id(), entry.plugin(),
                    entry.tenant(), entry.channel(), entry.state(), entry.attempts(), note).stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
