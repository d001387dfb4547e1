package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.carehost.security.internal.RuntimeRules.Refusal;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.log.Logger;

/**
 * The run-time layer while its security manager is stopped, and across the restart. When the security manager stops,
 * its checker ({@link RuntimeEnforcement}) stays behind the agent's gate in lockdown (fail closed): every call a plugin
 * causes at a choke point is refused ({@link #refusal}) until a new security manager claims the gate. The stopped
 * security manager can audit nothing (its Event Admin worker is gone), so the refusals made in lockdown are kept here
 * (the first {@value #KEPT}, and a count of the rest) and handed, with what the checker knew of plugins' work
 * ({@link Provenance#record}), to the checker that claims the gate ({@link #handOver}); that one takes the record over
 * and audits the refusals as its first act ({@link #takeOver}), and only while it is claiming: no refusal goes
 * unrecorded across a restart, and a restart does not make a plugin's loaders, threads, tasks or pools the container's.
 *
 * <p>Apart from the checker's decisions: it is what the checker does once its security manager is gone, and the one
 * part of it that speaks to another revision's checker (through JDK types only: a {@link Consumer} of an array of
 * maps, strings and a count).
 */
final class Lockdown {

    /** Refusals kept while locked down, for the next security manager to audit; more are counted. */
    static final int KEPT = 1000;

    private final Provenance provenance;
    private final RuntimeReporter reporter;
    private final Logger logger;
    private volatile boolean on;
    /** This checker is claiming the gate: the one in place may hand it its report ({@link #takeOver}). */
    private volatile boolean claiming;
    /** Refusals made in lockdown: {plugin, version, reason}; guarded by itself. */
    private final List<String[]> lockedOut = new ArrayList<>();
    private int lockedOutDropped;

    Lockdown(Provenance provenance, RuntimeReporter reporter, Logger logger) {
        this.provenance = provenance;
        this.reporter = reporter;
        this.logger = logger;
    }

    /** Whether the security manager has stopped: every call a plugin causes is refused. */
    boolean on() {
        return on;
    }

    /** From now on every call a plugin causes is refused, until another security manager claims the gate. */
    void begin() {
        on = true;
    }

    /** Says in the log that the layer is locked down (a warning, but when the whole container stops). */
    void announce() {
        String message = "Security: the security manager is stopping; run-time enforcement is locked down: every "
                + "call a plugin makes at a choke point (files, network, processes, environment, the JVM) is refused "
                + "until it starts again, which audits the refusals made meanwhile";
        if (containerStopping()) {
            logger.info(message); // the whole container stops: expected, not a warning on the console
        } else {
            logger.warn(message);
        }
    }

    /** Whether the framework itself is stopping (a shutdown), decided from the system bundle's state. */
    private static boolean containerStopping() {
        try {
            Bundle own = FrameworkUtil.getBundle(Lockdown.class);
            BundleContext context = own == null ? null : own.getBundleContext();
            return context != null && context.getBundle(0).getState() == Bundle.STOPPING;
        } catch (RuntimeException gone) {
            return true;
        }
    }

    /** The refusal of a call a plugin makes in lockdown, whatever it holds. */
    static Refusal refusal(String target) {
        return new Refusal(RuntimeRules.CONTAINER_RULE, target + ", while the security manager is stopped", false);
    }

    /** Keeps a refusal made in lockdown for the next security manager (the stopped one audits nothing). */
    void keep(Bundle plugin, String reason) {
        synchronized (lockedOut) {
            if (lockedOut.size() < KEPT) {
                lockedOut.add(new String[] {String.valueOf(plugin.getSymbolicName()), plugin.getVersion().toString(),
                        reason});
            } else {
                lockedOutDropped++;
            }
        }
    }

    /** This checker starts ({@code true}) or ends claiming the gate: only meanwhile is a report taken. */
    void claiming(boolean now) {
        claiming = now;
    }

    /**
     * Hands the refusals made in lockdown, and what this checker knew of plugins' loaders, threads, tasks and pools,
     * to the checker that claims the gate (a container's claim). They are let go once it has taken them: a claim that
     * fails leaves them here for the next one, so each is audited at least once (twice if a claim failed after it
     * audited some of them: a duplicate in the audit trail rather than a loss). Claims come one at a time: the gate's
     * claim is synchronized.
     */
    @SuppressWarnings("unchecked")
    void handOver(Object next) {
        if (!(next instanceof Consumer)) {
            return;
        }
        Object[] report;
        int handed;
        int droppedHanded;
        synchronized (lockedOut) {
            handed = lockedOut.size();
            droppedHanded = lockedOutDropped;
            report = new Object[handed + 2];
            report[0] = provenance.record(); // first: taken over at once, before the refusals are audited
            for (int i = 0; i < handed; i++) {
                report[i + 1] = lockedOut.get(i);
            }
            report[handed + 1] = droppedHanded;
        }
        // not caught: a new checker that could not take the record over must not be put in place (its claim fails)
        ((Consumer<Object[]>) next).accept(report);
        synchronized (lockedOut) { // taken (one made meanwhile, between this report and the switch, stays unhanded)
            lockedOut.subList(0, handed).clear();
            lockedOutDropped -= droppedHanded;
        }
    }

    /**
     * The previous checker's report ({@link #handOver}), taken while this one claims the gate: first the record of
     * plugins' work, adopted before this checker decides anything, then the refusals, audited now.
     */
    void takeOver(Object[] report) {
        if (!claiming) {
            throw new IllegalStateException("a report is taken only from the checker this one replaces, as it claims");
        }
        // first, and not caught: a record this checker could not take over fails its claim (admission then closes)
        for (Object entry : report) {
            if (entry instanceof java.util.Map) {
                // what the previous one knew of plugins' loaders, threads, tasks and pools
                provenance.adopt((java.util.Map<?, ?>) entry);
            }
        }
        int reported = 0;
        try {
            for (Object entry : report) {
                if (entry instanceof String[] && ((String[]) entry).length == 3) {
                    String[] refusal = (String[]) entry;
                    reporter.deniedInLockdown(refusal[0], refusal[1], refusal[2]);
                    reported++;
                } else if (entry instanceof Integer && (Integer) entry > 0) {
                    reporter.deniedInLockdown("container", "", entry + " more refusals while the security manager was "
                            + "stopped, beyond the " + KEPT + " kept");
                }
            }
        } catch (RuntimeException e) {
            logger.warn("Security: could not audit the refusals made while the security manager was stopped: {}",
                    e.toString());
        }
        if (reported > 0) {
            logger.warn("Security: {} refusals were made while the security manager was stopped; audited now", reported);
        }
    }
}
