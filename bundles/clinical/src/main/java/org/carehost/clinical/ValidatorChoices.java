package org.carehost.clinical;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A tenant's own choice for a plugin's validators when one fails (throws, overruns its deadline, is refused): it
 * overrides the operator's policy and the plugin's default for that tenant. The one way to read and change the
 * setting: every change is audited here ({@code tenant.validation}), whoever makes it (the shell's
 * {@code tenant:validation}, an HTTP endpoint, a later caller), once.
 *
 * @since 1.4
 */
@ProviderType
public interface ValidatorChoices {

    /** True for fail-open, false for fail-closed; empty when the tenant has made no choice for the plugin. */
    Optional<Boolean> failsOpen(String tenant, String plugin);

    /**
     * Sets the tenant's choice for the plugin's validators ({@code failOpen} true or false), or clears it (null), and
     * writes the audit record before it returns, in the care context bound to the calling thread (its purpose, roles,
     * correlation id), naming {@code by} as the user.
     *
     * @param by who makes the change (an operator's or user's name)
     * @throws IllegalArgumentException when there is no such tenant, or the plugin's name is empty, too long, or holds
     *         a control character; nothing is changed or audited then
     */
    void set(String tenant, String plugin, Boolean failOpen, String by);
}
