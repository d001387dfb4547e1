package org.carehost.plugins;

import java.util.List;
import java.util.concurrent.Callable;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * Every call the host makes into plugin code (a validator, a transformer, a notifier, an adapter, a scheduled run)
 * goes through here: it runs on a container-owned pool with the deadline the policy gives the plugin for that kind of
 * call, so that a stuck plugin never holds a host thread past it, and it is counted per plugin (calls, failures,
 * timeouts, CPU time and bytes allocated by the calling thread). A plugin that overruns its deadline repeatedly (the
 * policy's {@code overruns}) is quarantined by the security manager. The caller decides what a failure means (a
 * validator's policy: fail-open or fail-closed; a notification: retried later).
 * <p>
 * Updates drain: when a plugin that has calls in flight stops (an update by {@code plugin:update} or the deploy
 * folder's hot reload, a stop, an uninstall), the stop waits until those calls have ended, at most the plugin's longest
 * deadline, so that they finish on the old code before the new version starts; calls asked for meanwhile are refused
 * ({@link PluginCallException.Reason#REFUSED}, saying the plugin is being stopped or updated) and their callers'
 * policies apply (a validator's fail-open or fail-closed, the outbox's retries).
 */
@ProviderType
public interface PluginCalls {

    /**
     * Runs {@code work}, a call into {@code plugin}'s code, and returns its result.
     *
     * @param kind the kind of call, for the deadline: {@code validator}, {@code transformer}, {@code notifier},
     *        {@code adapter}, {@code workflow}, {@code event}, {@code schedule}
     * @param what what is called, for messages (e.g. {@code Validator.validate})
     * @throws PluginCallException when the plugin threw, overran the deadline, is quarantined, or has too many calls
     *         still running; nothing of its result is returned
     */
    <T> T call(Bundle plugin, String kind, String what, Callable<T> work) throws PluginCallException;

    /** The counters of every plugin called since the container started, by bundle id. */
    List<PluginCallStats> stats();

    /**
     * Whether the plugin is stopping (for an update, a hot reload, a stop) and its calls in flight are being waited
     * for: a call asked for now is refused.
     *
     * @since 1.3
     */
    boolean draining(Bundle plugin);
}
