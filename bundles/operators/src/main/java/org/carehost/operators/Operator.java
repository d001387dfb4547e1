package org.carehost.operators;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An operator as the container knows them after a login (or as an account is listed).
 *
 * @param name the account name (the same rules as a care context's user id)
 * @param roles what they may do
 * @param tenants the tenants a {@link Role#HOSPITAL_ADMIN} administers (empty for the other roles)
 * @param disabled a disabled account cannot log in; its tokens stop working
 * @param secondFactor whether a TOTP second factor is enrolled
 * @param created when the account was made
 * @param origin {@code accounts} (the container's own), {@code console} (the OS user at the local console) or the
 *        symbolic name of the authenticator plugin that vouched for them
 * @param credentialStamp the account's credential stamp when it was read: a random value the account gets when it is
 *        made and again at each password change and each disabling, so that a session or token from before (or of
 *        an account of the same name removed since) is told apart ({@link Logins#current}); 0 for an operator
 *        without an account here. Not a secret, and never shown.
 */
public record Operator(String name, Set<Role> roles, Set<String> tenants, boolean disabled, boolean secondFactor,
        Instant created, String origin, long credentialStamp) {

    /** Account names: as the care context's user ids. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public Operator {
        Objects.requireNonNull(name, "name");
        roles = Set.copyOf(roles);
        tenants = Set.copyOf(tenants);
    }

    /** An operator without a credential stamp (stamp 0): one an authenticator plugin vouched for, the console's. */
    public Operator(String name, Set<Role> roles, Set<String> tenants, boolean disabled, boolean secondFactor,
            Instant created, String origin) {
        this(name, roles, tenants, disabled, secondFactor, created, origin, 0L);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    /** Whether they may administer {@code tenant}: an admin every tenant, a hospital admin their own. */
    public boolean administers(String tenant) {
        return isAdmin() || (roles.contains(Role.HOSPITAL_ADMIN) && tenants.contains(tenant));
    }
}
