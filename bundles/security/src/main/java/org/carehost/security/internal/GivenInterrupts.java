package org.carehost.security.internal;

/**
 * The threads that code other than a plugin's (the container's, the JDK's on its own account) has interrupted: on
 * them a plugin may set the interrupt again on the thread it runs on, as {@code Thread.currentThread().interrupt()}
 * after catching an {@code InterruptedException} does. On a container thread no one interrupted, it may not: red team
 * 19's plugin, with no permission, interrupted the deploy watcher's thread in its activator, and the watcher (Felix
 * FileInstall, which ends at an interrupt) was gone until a restart, readiness down with it. A thread the plugin
 * started is its own to interrupt ({@link Causes#startedBy}). Weak and by identity: a thread a plugin's class
 * extends may override {@code equals}. A thread once interrupted by the container stays in the set: an interrupt it
 * was given can be caught and set again at any later time.
 */
final class GivenInterrupts {

    private final WeakIdentityMap<Boolean> interrupted = new WeakIdentityMap<>();

    /** The container (or the JDK on its own account) interrupts {@code thread}. */
    void given(Thread thread) {
        if (thread != null) {
            interrupted.putIfAbsent(thread, Boolean.TRUE);
        }
    }

    /** Whether code other than a plugin's has interrupted {@code thread}. */
    boolean wasGiven(Thread thread) {
        return interrupted.get(thread) != null;
    }
}
