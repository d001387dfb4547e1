package org.carehost.plugins;

/**
 * One finding of {@code plugin:why}: what kind it is, what it is about, and the reason in plain words. The first
 * finding of a diagnosis is always of kind {@link Kind#STATE}; the shell prints the reasons, one per line.
 *
 * @param kind what kind of finding
 * @param subject what it is about: the plugin ({@code name (id n)}), a component's name, a requirement, or a
 *        deploy-folder file name
 * @param reason the finding in plain words, a whole sentence
 */
public record Finding(Kind kind, String subject, String reason) {

    /** What kind of finding. */
    public enum Kind {
        /** The plugin's (or file's) state: the first finding. */
        STATE,
        /** The security manager refuses the plugin. */
        SECURITY_REFUSAL,
        /** A requirement nothing provides, or the resolver cannot wire it. */
        UNRESOLVED,
        /** Resolved but not started: stopped, a fragment, a start level not reached, a failed start. */
        NOT_STARTED,
        /** A component's activate threw. */
        ACTIVATE_FAILED,
        /** A component waits for a service or a configuration. */
        UNSATISFIED,
        /** A component is disabled. */
        DISABLED,
        /** A component is being activated, or the bundle is starting or stopping. */
        IN_PROGRESS,
        /** A deploy-folder file that cannot become a plugin. */
        FILE_PROBLEM,
        /** Nothing is wrong. */
        OK,
        /** What to do next. */
        NEXT_STEP
    }

    public Finding {
        if (kind == null || subject == null || reason == null) {
            throw new NullPointerException("kind, subject and reason are required");
        }
    }
}
