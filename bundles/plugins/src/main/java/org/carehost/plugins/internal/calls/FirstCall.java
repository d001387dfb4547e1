package org.carehost.plugins.internal.calls;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first call on a registration ({@link ServiceCalls}): its service object is got inside the call's pool task,
 * because getting it may build and activate the plugin's delayed component (constructor, activate: plugin code). The
 * task and its caller settle here, in one step, whether the work runs: once the object is got the task calls it
 * unless the caller has given up meanwhile, so a call abandoned during the activation never runs late (a notifier
 * would send twice, an authenticator would see a password after the login was refused). A caller that gives up while
 * the object is still being got reports a slow activation, which is not one of the plugin's overruns in a row: three
 * calls waiting on one slow activation must not quarantine the plugin on its first use.
 */
final class FirstCall {

    /** What the task returns when the registration gave no object, or the caller gave up before the work began. */
    static final Object NO_OBJECT = new Object();

    private static final int GETTING = 0;
    private static final int CALLING = 1;
    private static final int ABANDONED = 2;

    private final AtomicInteger state = new AtomicInteger(GETTING);

    /** In the task, the object got: whether to call it (false when the caller gave up while it was being got). */
    boolean begin() {
        return state.compareAndSet(GETTING, CALLING);
    }

    /** The caller gives up: true when the object was still being got (the work will not run). */
    boolean abandonWhileGetting() {
        return state.compareAndSet(GETTING, ABANDONED);
    }
}
