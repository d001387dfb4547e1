package org.carehost.adapters.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.felix.service.command.Descriptor;
import org.carehost.sdk.adapter.AdapterInfo;
import org.carehost.sdk.adapter.AdapterSend;
import org.carehost.sdk.adapter.AdapterService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code adapter:} scope, thin commands over {@link AdapterService}: {@code adapter:list} and
 * {@code adapter:send <system> <resource>} in the session's care context (its tenant and purpose).
 */
@Component(service = AdapterCommands.class, property = {
        "osgi.command.scope=adapter",
        "osgi.command.function=list",
        "osgi.command.function=send"
})
public final class AdapterCommands {

    private final AdapterService adapters;

    @Activate
    public AdapterCommands(@Reference AdapterService adapters) {
        this.adapters = adapters;
    }

    @Descriptor("the adapters (outside systems the plugins speak to) and whether each answers now")
    public String list() {
        List<AdapterInfo> infos = adapters.adapters();
        if (infos.isEmpty()) {
            return "No adapters (a plugin registers an org.carehost.sdk.plugin.Adapter service).\n";
        }
        StringBuilder out = new StringBuilder(String.format("%-30s  %-40s  %-10s  %s%n", "SYSTEM", "PLUGIN", "VERSION",
                "AVAILABLE"));
        for (AdapterInfo info : infos) {
            out.append(String.format("%-30s  %-40s  %-10s  %s%n", info.system(), info.plugin(), info.version(),
                    info.available() == null ? "unknown (did not answer in time)" : info.available() ? "yes" : "no"));
        }
        conflicts(infos, out);
        return out.toString();
    }

    /** Systems more than one plugin offers: not sent to in a tenant where two of those plugins are enabled. */
    private static void conflicts(List<AdapterInfo> infos, StringBuilder out) {
        Map<String, Set<String>> plugins = new TreeMap<>();
        for (AdapterInfo info : infos) {
            plugins.computeIfAbsent(info.system(), system -> new TreeSet<>()).add(info.plugin());
        }
        plugins.forEach((system, offering) -> {
            if (offering.size() > 1) {
                out.append("CONFLICT: system ").append(system).append(" is offered by more than one plugin (")
                        .append(String.join(", ", offering)).append("): a system belongs to one plugin, so nothing "
                        + "is sent to it in a tenant where more than one of them is enabled. Keep one: "
                        + "plugin:uninstall the others, or plugin:disable <plugin> --tenant <tenant>\n");
            }
        });
    }

    @Descriptor("send a patient (or Appointment/<id>) to an outside system through its adapter; a failed attempt is "
            + "retried from the outbox (notify:list shows it)")
    public String send(@Descriptor("the adapter's system, as adapter:list shows it") String system,
            @Descriptor("a patient id, Patient/<id> or Appointment/<id>") String resource) {
        AdapterSend send = adapters.send(system, resource);
        if (send.status() == AdapterSend.Status.SENT) {
            return "Sent " + send.resource() + " to " + send.system() + " (send " + send.id() + ")"
                    + (send.receipt() == null ? "" : "; receipt: " + send.receipt()) + "\n";
        }
        // Queued, not lost: still a failed command, so that a script sees the attempt did not go through.
        throw new IllegalStateException("The first attempt to send " + send.resource() + " to " + send.system()
                + " failed: " + send.error() + ". It stays in the outbox as send " + send.id() + " and is retried "
                + "(notify:list shows it; notify:list --failed once every attempt failed)");
    }
}
