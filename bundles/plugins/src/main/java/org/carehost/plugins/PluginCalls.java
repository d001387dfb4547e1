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
 * <p>
 * Calls to a plugin's <em>service</em> ({@link #call(PluginService, String, String, ServiceWork)}, for the services
 * {@link #services(Class)} lists) are not refused during an update: while the plugin is being replaced (its stop is
 * transient: {@code plugin:update}, the deploy folder's hot reload, a refresh), they are held, bounded by the call's
 * deadline and by a bounded number of held calls per plugin, and run on the service the new version registers under
 * the same {@link PluginService#key() key} (or the old version's again, if the update failed and it came back). If
 * the plugin is stopped or uninstalled instead, or its new version does not offer the service within the deadline,
 * the held call is refused saying so, and the caller's policy applies. A plain stop or uninstall refuses new calls at
 * once, as above.
 */
@ProviderType
public interface PluginCalls {

    /**
     * Runs {@code work}, a call into {@code plugin}'s code, and returns its result.
     *
     * @param kind the kind of call, for the deadline: {@code validator}, {@code transformer}, {@code notifier},
     *        {@code adapter}, {@code workflow}, {@code event}, {@code schedule}, {@code authenticator}
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

    /**
     * The services of {@code type} that plugins offer now, and those a plugin being updated offered before it stopped
     * and has not registered again yet (a call to one of those waits for the new version). One entry per plugin and
     * {@link PluginService#key() key}; in no particular order.
     *
     * @since 1.4
     */
    <S> List<PluginService<S>> services(Class<S> type);

    /**
     * Runs {@code work} on the plugin's service, as {@link #call(Bundle, String, String, Callable)} does; while the
     * plugin is being updated, the call waits (at most the deadline for {@code kind}) for the new version's service
     * and runs on it.
     *
     * @throws PluginCallException as {@link #call(Bundle, String, String, Callable)}; also {@code REFUSED} when the
     *         plugin was stopped or uninstalled, when its new version did not offer the service within the deadline,
     *         or when too many calls already wait for its new version, each message naming the plugin and what to do
     * @since 1.4
     */
    <S, T> T call(PluginService<S> service, String kind, String what, ServiceWork<S, T> work)
            throws PluginCallException;

    /**
     * What a call does with the plugin's service object.
     *
     * @since 1.4
     */
    @FunctionalInterface
    interface ServiceWork<S, T> {
        T call(S service) throws Exception;
    }
}
