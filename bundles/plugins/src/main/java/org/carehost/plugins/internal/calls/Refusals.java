package org.carehost.plugins.internal.calls;

import org.carehost.plugins.PluginCallException;
import org.carehost.plugins.PluginCallException.Reason;

/** The refusals of calls into a plugin that is being stopped or updated: each names the plugin and the next step. */
final class Refusals {

    private Refusals() {
    }

    static PluginCallException beingStopped(String name, String what) {
        return refused(name, what, "it is being stopped or updated, and the calls into it still in flight are "
                + "finishing first; call again once it is active");
    }

    /** A plain stop ({@code plugin:stop}, a quarantine): not an update, nothing new is coming. */
    static PluginCallException stoppedForGood(String name, String what) {
        return refused(name, what, "it is being stopped (not updated), so it takes no calls until it is started "
                + "again ('plugin:start " + name + "'); 'plugin:why " + name + "' says why it stopped");
    }

    static PluginCallException tooManyHeld(String name, String what, int maxHeld) {
        return refused(name, what, "it is being updated and " + maxHeld + " calls already wait for its new version; "
                + "call again once 'plugin:list' shows it ACTIVE ('plugin:top " + name + "' shows its calls)");
    }

    static PluginCallException shuttingDown(String name, String what) {
        return refused(name, what, "the container's plugin calls are shutting down");
    }

    static PluginCallException interruptedWaiting(String name, String what, InterruptedException interrupted) {
        return new PluginCallException(name, Reason.REFUSED, "the call into " + name + " (" + what + ") was "
                + "abandoned while it waited for the plugin's new version: the calling thread was interrupted",
                interrupted);
    }

    static PluginCallException notRegisteredYet(String name, String what, String key, String kind) {
        return refused(name, what, "it was being updated, and its new version, active, had not registered " + key
                + " yet within the " + kind + " deadline; 'plugin:why " + name + "' says why");
    }

    static PluginCallException notBack(String name, String what, String key, String kind, boolean active) {
        return refused(name, what, "it was being updated, and " + (active ? "its new version did not offer " + key
                : "it was not active again") + " within the " + kind + " deadline; 'plugin:why " + name
                + "' says why");
    }

    private static PluginCallException refused(String name, String what, String why) {
        return new PluginCallException(name, Reason.REFUSED, name + " was not called (" + what + "): " + why, null);
    }
}
