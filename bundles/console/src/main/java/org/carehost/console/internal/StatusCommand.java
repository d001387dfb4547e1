package org.carehost.console.internal;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.apache.felix.hc.api.execution.HealthCheckExecutionResult;
import org.apache.felix.hc.api.execution.HealthCheckExecutor;
import org.apache.felix.hc.api.execution.HealthCheckSelector;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code carehost:status}: whether the container is ready, and what is missing, from the system-ready health checks. */
@Component(service = StatusCommand.class, property = { "osgi.command.scope=carehost", "osgi.command.function=status" })
public final class StatusCommand {

    private final HealthCheckExecutor executor;

    @Activate
    public StatusCommand(@Reference HealthCheckExecutor executor) {
        this.executor = executor;
    }

    @Descriptor("Shows whether the container is ready (container bundles and components active, deploy folder "
            + "settled) and, if not, what is missing; fails when not ready, so that a script can wait on it")
    public String status() {
        List<HealthCheckExecutionResult> results = executor.execute(HealthCheckSelector.tags(ContainerReadyCheck.TAG));
        boolean ready = !results.isEmpty();
        List<String> lines = new ArrayList<>();
        for (HealthCheckExecutionResult result : results) {
            Result outcome = result.getHealthCheckResult();
            // WARN is ready: a part that runs degraded and says so (the SSH shell while its port is taken)
            ready &= outcome.getStatus() == Result.Status.OK || outcome.getStatus() == Result.Status.WARN;
            String name = result.getHealthCheckMetadata().getName();
            for (ResultLog.Entry entry : outcome) {
                lines.add("  " + name + ": " + entry.getStatus() + " " + entry.getMessage());
            }
        }
        String report = (ready ? "ready" : "not ready") + (lines.isEmpty() ? "" : "\n" + String.join("\n", lines));
        if (!ready) {
            throw new IllegalStateException(results.isEmpty() ? "not ready: no readiness check is registered yet" : report);
        }
        return report;
    }
}
