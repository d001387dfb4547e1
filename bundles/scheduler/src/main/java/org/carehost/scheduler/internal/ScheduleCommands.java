package org.carehost.scheduler.internal;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.scheduler.Job;
import org.carehost.scheduler.SchedulerAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code schedule:} scope: thin commands over {@link SchedulerAdmin}. */
@Component(service = ScheduleCommands.class, property = {
        "osgi.command.scope=schedule",
        "osgi.command.function=list",
        "osgi.command.function=cancel",
        "osgi.command.function=zone"
})
public final class ScheduleCommands {

    private final SchedulerAdmin scheduler;

    @Activate
    public ScheduleCommands(@Reference SchedulerAdmin scheduler) {
        this.scheduler = scheduler;
    }

    @Descriptor("plugins' jobs still to run, soonest first")
    public String list() {
        return table(scheduler.jobs(false));
    }

    @Descriptor("plugins' jobs, finished ones too (newest 200)")
    public String list(@Descriptor("--all") String all) {
        if (!all.equals("--all")) {
            throw new IllegalArgumentException("Usage: schedule:list [--all]");
        }
        return table(scheduler.jobs(true));
    }

    @Descriptor("cancel a job that has not finished")
    public String cancel(@Descriptor("job id (schedule:list shows them)") String id) {
        if (!scheduler.cancel(id)) {
            throw new IllegalArgumentException("No job " + id + " is waiting or running; schedule:list shows them");
        }
        return "Cancelled job " + id + ".\n";
    }

    @Descriptor("show a tenant's time zone for cron jobs")
    public String zone(@Descriptor("tenant id") String tenant) {
        return tenant + ": " + scheduler.zone(tenant) + "\n";
    }

    @Descriptor("set a tenant's time zone for cron jobs (e.g. Europe/Berlin)")
    public String zone(@Descriptor("tenant id") String tenant, @Descriptor("zone id") String zone) {
        ZoneId id;
        try {
            id = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + zone + "' is not a time zone; use a region id such as "
                    + "Europe/Berlin or America/New_York");
        }
        scheduler.setZone(tenant, id);
        return "Tenant " + tenant + " runs cron jobs in " + id + " from their next run on.\n";
    }

    private static String table(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return "No jobs.\n";
        }
        StringBuilder out = new StringBuilder(String.format("%-36s  %-30s  %-10s  %-20s  %-22s  %-9s  %s%n", "ID",
                "PLUGIN", "TENANT", "TASK", "DUE (UTC)", "STATE", "CRON / LAST ERROR"));
        for (Job job : jobs) {
            String note = job.cron() == null ? "" : job.cron();
            if (job.lastError() != null) {
                note += (note.isEmpty() ? "" : "; ") + "last error: " + job.lastError().replaceAll("\\s+", " ");
            }
            out.append(String.format("%-36s  %-30s  %-10s  %-20s  %-22s  %-9s  %s%n", job.id(), job.plugin(),
                    job.tenant(), job.task(), job.due(), job.state(), note).stripTrailing()).append('\n');
        }
        return out.toString().replace("\n\n", "\n");
    }
}
