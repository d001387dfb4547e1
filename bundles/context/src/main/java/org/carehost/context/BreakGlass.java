package org.carehost.context;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Break-glass: an emergency context (purpose emergency, a stated reason, an acting user) opens access to a
 * patient beyond the normal rules (a patient's opt-out of the plugin) for a limited time from its declaration.
 * Each grant is kept for review and announced on {@code carehost/security/BREAK_GLASS}.
 */
@ProviderType
public interface BreakGlass {

    /**
     * The grant covering this emergency access, opened now if this declaration has none for the patient yet.
     *
     * @throws PermissionDeniedException when the context has no user, or its declaration has expired
     */
    BreakGlassGrant access(CareContext context, String plugin, String patientId);

    /**
     * Checks an emergency context before any call made in it, whether or not it reaches a known patient.
     *
     * @throws PermissionDeniedException when the context has no user, or its declaration has expired
     */
    void check(CareContext context, String plugin);

    /** Grants opened at or after {@code since}, newest first. */
    List<BreakGlassGrant> since(Instant since);

    /** How long a declaration lasts. */
    Duration duration();
}
