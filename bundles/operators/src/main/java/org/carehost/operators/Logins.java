package org.carehost.operators;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks credentials and says who logged in. Every failure is audited (account, source, reason) and counts toward
 * the lockout of the account and of the source address; a login while the address is locked fails without checking
 * the credentials, and so does a password login while the account is locked (the account's lockout counts wrong
 * passwords: a public key or an API token, factors a password guesser lacks, still log in; a disabled account never). Passwords are checked with PBKDF2 (about 160 ms of CPU): never call this per request; sessions and
 * tokens are.
 */
@ProviderType
public interface Logins {

    /**
     * A password login, with the second factor when the account's role requires one.
     *
     * @param password wiped by the call
     * @param secondFactor the current TOTP code or an unused recovery code; null when none was given
     * @param source who connects, e.g. {@code ssh 127.0.0.1} or {@code http 127.0.0.1}: the lockout counts per
     *        address (the part after the first space)
     */
    Operator password(String name, char[] password, String secondFactor, String source) throws LoginRefusedException;

    /**
     * A bearer token (the secret of {@link IssuedToken}). Cheap: one SHA-256 and one indexed lookup. A token issued
     * before the account's password was last changed is refused.
     */
    Operator token(String secret, String source) throws LoginRefusedException;

    /**
     * An SSH public-key login: {@code keyType} and {@code keyBlob} as in the SSH wire format (the base64 part of an
     * authorized_keys line, decoded).
     */
    Operator publicKey(String name, String keyType, byte[] keyBlob, String source) throws LoginRefusedException;

    /** Whether the account exists, is enabled and has a key of that blob: for the SSH server's key pre-check. */
    boolean knowsKey(String name, String keyType, byte[] keyBlob);

    /**
     * The operator of a live session (a browser session, an SSH shell) as their account is now, read again (one indexed
     * read): empty when the account was disabled or removed since the login, or its password changed (its
     * {@link Operator#credentialStamp} is no longer the account's); its roles and tenants as they are now.
     * An operator an authenticator plugin vouched for (no account here) is returned as they logged in.
     *
     * @since 1.3
     */
    java.util.Optional<Operator> current(Operator operator);

    /**
     * How long a browser session lasts at most after its login, however active (setting {@code sessionLifetimeHours}).
     *
     * @since 1.3
     */
    java.time.Duration sessionLifetime();
}
