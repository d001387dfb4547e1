package org.carehost.scheduler.internal;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.ServiceEvent;

/**
 * Jobs this node put off a minute because their task was not there, made due again at the first poll after a task of
 * their plugin registers: at a start, the scheduler polls before the plugins' tasks are up, and their due jobs (a run a
 * killed process left, a time passed while the container was down) must not wait a minute.
 *
 * <p>Its own class because it is fed from two threads: the framework's (a task registered, the scheduler's service
 * listener) and the polling thread's (a job put off, the jobs made due again); both sets are concurrent.
 */
final class TaskWaits {

    /** A job this node put off for a minute because its task was not there: when it was due, its version since. */
    private record Waiting(String plugin, Instant due, long version) {
    }

    /** Jobs put off because their task was not there, by id. */
    private final Map<String, Waiting> waitingForTask = new ConcurrentHashMap<>();
    /** Plugins (symbolic names) that registered a task since the last poll. */
    private final Set<String> tasksRegistered = ConcurrentHashMap.newKeySet();

    /** A job put off for a minute: when it was due, and the version its row has since. */
    void put(String id, String plugin, Instant due, long version) {
        waitingForTask.put(id, new Waiting(plugin, due, version));
    }

    /** The scheduler's service listener, on ScheduledTask services. */
    void taskRegistered(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED && event.getServiceReference().getBundle() != null) {
            tasksRegistered.add(String.valueOf(event.getServiceReference().getBundle().getSymbolicName()));
        }
    }

    /** At a poll: the jobs waiting for a task of a plugin that registered one since are due again. */
    void dueAgainForNewTasks(Jobs jobs) {
        if (tasksRegistered.isEmpty()) {
            return;
        }
        Set<String> plugins = Set.copyOf(tasksRegistered);
        tasksRegistered.removeAll(plugins);
        waitingForTask.entrySet().removeIf(entry -> {
            Waiting waiting = entry.getValue();
            if (!plugins.contains(waiting.plugin())) {
                return false;
            }
            jobs.dueAgain(entry.getKey(), waiting.version(), waiting.due());
            return true;
        });
    }
}
