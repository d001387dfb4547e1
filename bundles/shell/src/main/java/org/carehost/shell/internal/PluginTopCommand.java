package org.carehost.shell.internal;

import java.util.Comparator;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.plugins.PluginCallStats;
import org.carehost.plugins.PluginCalls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code plugin:top}: what the host's calls into each plugin cost, most CPU first. */
@Component(service = PluginTopCommand.class, property = {
        "osgi.command.scope=plugin",
        "osgi.command.function=top"
})
public final class PluginTopCommand {

    private final PluginCalls calls;

    @Activate
    public PluginTopCommand(@Reference PluginCalls calls) {
        this.calls = calls;
    }

    @Descriptor("the host's calls into each plugin since start: calls, failures, timeouts, overruns in a row, calls "
            + "running, CPU time and bytes allocated, most CPU first")
    public String top() {
        List<PluginCallStats> stats = calls.stats().stream()
                .sorted(Comparator.comparingLong(PluginCallStats::cpuNanos).reversed()).toList();
        if (stats.isEmpty()) {
            return "No plugin has been called by the host yet.\n";
        }
        Table table = new Table("ID", "PLUGIN", "CALLS", "FAILED", "TIMEOUTS", "OVERRUNS-IN-A-ROW", "RUNNING", "CPU-MS",
                "ALLOCATED-KB");
        for (PluginCallStats plugin : stats) {
            table.row(plugin.bundleId(), plugin.symbolicName(), plugin.calls(), plugin.failures(), plugin.timeouts(),
                    plugin.overrunsInARow(), plugin.running(), plugin.cpuNanos() / 1_000_000,
                    plugin.allocatedBytes() / 1024);
        }
        return table.toString();
    }
}
