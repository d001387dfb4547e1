package org.carehost.security;

import java.util.Locale;
import java.util.Set;

/**
 * The one definition of the names the container writes its own audit records under (the record's actor, {@code
 * AuditRecord.plugin}): {@link #CONTAINER} for the plugins' lifecycle, {@link #OPERATOR} for operators' commands and
 * the security manager's decisions, {@link #OPERATORS} for operator accounts and logins. A plugin's records carry its
 * symbolic name there, so no plugin may have one of these names (in any case): the security manager refuses it at
 * install ({@link SecurityAdmin#installProblems}) and at every resolve, whatever the install path, so that a record
 * under one of these names is always the container's.
 *
 * @since 1.8
 */
public final class ContainerActors {

    /** The plugins' lifecycle (installed, started, stopped, ...). */
    public static final String CONTAINER = "container";
    /** Operators' commands (shell, HTTP), the security manager's decisions. */
    public static final String OPERATOR = "operator";
    /** Operator accounts and their logins. */
    public static final String OPERATORS = "operators";

    private static final Set<String> NAMES = Set.of(CONTAINER, OPERATOR, OPERATORS);

    private ContainerActors() {
    }

    /** Whether {@code symbolicName} is one of the container's actor names, in any case. */
    public static boolean isReserved(String symbolicName) {
        return symbolicName != null && NAMES.contains(symbolicName.strip().toLowerCase(Locale.ROOT));
    }

    /** Why a plugin may not have this symbolic name, or null when it may. */
    public static String refusal(String symbolicName) {
        if (!isReserved(symbolicName)) {
            return null;
        }
        return "its symbolic name '" + symbolicName + "' is one the container writes its own audit records under ("
                + String.join(", ", NAMES.stream().sorted().toList()) + "), so its records would read as the "
                + "container's: give the plugin another Bundle-SymbolicName";
    }
}
