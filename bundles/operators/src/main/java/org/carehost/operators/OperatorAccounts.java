package org.carehost.operators;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The container's operator accounts, kept in the store (H2 or PostgreSQL, shared by the nodes). Every change is
 * audited with the acting operator. Bad input (an unknown role, a weak password, a malformed key) is refused with
 * an {@link IllegalArgumentException} that names the problem, and nothing is changed.
 */
@ProviderType
public interface OperatorAccounts {

    /**
     * Adds an account.
     *
     * @param tenants the tenants a hospital-admin administers (must exist; required for that role)
     * @param password at least 12 characters; wiped by the call
     */
    Operator add(String name, Set<Role> roles, Set<String> tenants, char[] password);

    List<Operator> list();

    Optional<Operator> find(String name);

    /** Whether any enabled admin account exists (until then only the local console can act). */
    boolean adminExists();

    /** Sets a new password (at least 12 characters; wiped by the call) and clears the account's lockout. */
    void setPassword(String name, char[] password);

    /** Disables the account: no login, its tokens refused. The last enabled admin cannot be disabled. */
    void disable(String name);

    /** Enables a disabled account and clears its lockout. */
    void enable(String name);

    /** Issues an API token: 256 random bits, valid for {@code lifetime} (1 minute to 366 days). */
    IssuedToken issueToken(String name, String label, Duration lifetime);

    /** Revokes a token of the account by id; false when it has no such live token. */
    boolean revokeToken(String name, String tokenId);

    /** The account's live tokens (never their secrets), one line each: {@link #liveTokens} as text. */
    List<String> tokens(String name);

    /**
     * The account's live tokens (not revoked, not expired; never their secrets), oldest first.
     *
     * @throws IllegalArgumentException when there is no such account
     * @since 1.2
     */
    List<LiveToken> liveTokens(String name);

    /**
     * Adds an SSH public key, as one line of an {@code authorized_keys} file ({@code ssh-ed25519 AAAA… comment}).
     *
     * @return the key's SHA-256 fingerprint, as ssh-keygen prints it
     */
    String addKey(String name, String authorizedKeysLine);

    /** The account's keys: fingerprint and comment, one line each. */
    List<String> keys(String name);

    /** Enrols (or re-enrols) a TOTP second factor with ten new recovery codes. */
    SecondFactorEnrollment enrollSecondFactor(String name);
}
