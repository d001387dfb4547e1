package org.carehost.sdk.context;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Whose data, who, why: the context of a host-service call. Only the container's instances count: a plugin
 * may build one, but the host services act on the context the container bound to the call, never on one a
 * plugin hands them.
 *
 * @param tenant the hospital whose data the call may reach ({@code default} in a single-hospital install)
 * @param user the acting user's id; null when the plugin acts on its own (scheduled or event work)
 * @param roles the user's roles, e.g. {@code physician}; empty when there is no user
 * @param purpose why the data is used
 * @param reason the stated reason; required for {@link Purpose#EMERGENCY} (break-glass), else may be null
 * @param correlationId ties the records of one piece of work together across plugins and events
 * @param declared when the container set this context; break-glass access runs from here
 */
public record CareContext(String tenant, String user, Set<String> roles, Purpose purpose, String reason,
        String correlationId, Instant declared) {

    /** Tenant ids and user ids: short, printable, no spaces (they appear in records and shell arguments). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /** The tenant of a single-hospital install, which every plugin is enabled for. */
    public static final String DEFAULT_TENANT = "default";

    public CareContext {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(declared, "declared");
        if (tenant == null || !ID.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant must match " + ID.pattern() + ", not '" + tenant + "'");
        }
        if (user != null && !ID.matcher(user).matches()) {
            throw new IllegalArgumentException("user must match " + ID.pattern() + ", not '" + user + "'");
        }
        roles = roles == null ? Set.of() : Set.copyOf(new TreeSet<>(roles));
        for (String role : roles) {
            if (!ID.matcher(role).matches()) {
                throw new IllegalArgumentException("role must match " + ID.pattern() + ", not '" + role + "'");
            }
        }
        if (reason != null && (reason.isBlank() || reason.length() > 500 || reason.chars().anyMatch(c -> c < 0x20))) {
            throw new IllegalArgumentException("reason must be 1 to 500 printable characters");
        }
        if (purpose == Purpose.EMERGENCY && reason == null) {
            throw new IllegalArgumentException("emergency (break-glass) access needs a stated reason");
        }
    }

    /** Roles as one comma-separated string, sorted (for records and display). */
    public String rolesText() {
        return String.join(",", new TreeSet<>(roles));
    }

    public boolean isBreakGlass() {
        return purpose == Purpose.EMERGENCY;
    }
}
