package org.carehost.operators.internal;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.crypto.CipherException;
import org.carehost.crypto.PhiCipher;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.LoginRefusedException.Reason;
import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.operators.Refusals;
import org.carehost.operators.Role;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.plugins.PluginCalls;
import org.carehost.sdk.auth.Authenticator;
import org.carehost.security.PermissionGuard;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Logins: the container's own accounts first (so an admin always gets in, whatever the authenticator plugins do),
 * then each {@link Authenticator} plugin for names the accounts do not know. Lockout is decided before any
 * credential is checked; every failure is audited with its reason and counted. Asking the authenticator plugins is
 * {@link AuthenticatorPlugins}'.
 */
@Component(configurationPid = "org.carehost.operators", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = OperatorsConfiguration.class)
public final class LoginsImpl implements Logins {

    private static final String REFUSED = "Login refused: wrong user name or credentials (the password, and the "
            + "one-time code when the account has a second factor), or the account is locked for a while after "
            + "repeated failures";

    private final AccountStore accounts;
    private final OperatorAudit audit;
    private final Refusals refusals;
    private final Passwords passwords;
    private final SourceLockout sources;
    private final Clock clock;
    private final Logger log;
    private final AuthenticatorPlugins authenticators;
    private volatile OperatorsConfiguration configuration;
    /** How authenticator plugins are called (bounded); while the plugins bundle is away, they are not asked. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PluginCalls pluginCalls;
    private volatile Set<Role> secondFactorRoles = EnumSet.noneOf(Role.class);

    @Activate
    public LoginsImpl(@Reference Store store, @Reference PhiCipher cipher, @Reference AuditLog log,
            @Reference ContextBinder binder,
            @Reference(service = LoggerFactory.class) Logger logger, OperatorsConfiguration configuration,
            @Reference(target = ContainerClock.TARGET) Clock clock, @Reference Refusals refusals,
            @Reference PermissionGuard guard) {
        this.log = logger;
        this.authenticators = new AuthenticatorPlugins(guard, logger, () -> pluginCalls);
        this.refusals = refusals;
        this.accounts = new AccountStore(store, new TotpSeal(cipher));
        this.sources = new SourceLockout(store);
        this.audit = new OperatorAudit(log, binder);
        this.passwords = new Passwords(new SecureRandom());
        this.clock = clock;
        modified(configuration);
    }

    @Modified
    void modified(OperatorsConfiguration configuration) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        roles.addAll(Role.parseList(configuration.secondFactorRoles()));
        this.secondFactorRoles = roles;
        this.configuration = configuration;
    }


    @Override
    public Operator password(String name, char[] password, String secondFactor, String source)
            throws LoginRefusedException {
        try {
            String user = name == null ? "" : name;
            Instant now = clock.instant();
            refuseLockedSource(user, source, "password", now);
            Optional<AccountStore.Row> found = accounts.row(user);
            if (found.isEmpty()) {
                Optional<Operator> vouched = authenticators.vouch(user, password, source, secondFactorRoles, now);
                if (vouched.isPresent()) {
                    audit.login(user, source, "password (" + vouched.get().origin() + ")", AuditOutcome.SUCCESS, null);
                    return vouched.get();
                }
                passwords.spendOnUnknown(password);
                throw fail(null, source, "password", Reason.BAD_CREDENTIALS, "no such account", now);
            }
            AccountStore.Row row = usable(found.get(), source, "password", now);
            if (!passwords.matches(password, row.passwordHash())) {
                throw fail(row.name(), source, "password", Reason.BAD_CREDENTIALS, "wrong password", now);
            }
            checkSecondFactor(row, secondFactor, source, now);
            accounts.clearFailures(row.name());
            audit.login(row.name(), source, "password", AuditOutcome.SUCCESS, null);
            return OperatorAccountsImpl.operator(row);
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        } finally {
            Passwords.wipe(password);
        }
    }

    @Override
    public Operator token(String secret, String source) throws LoginRefusedException {
        try {
            Instant now = clock.instant();
            Optional<AccountStore.TokenOwner> owner = secret == null || secret.length() > 200 ? Optional.empty()
                    : accounts.tokenAccount(Secrets.sha256(secret), now);
            if (owner.isEmpty()) {
                throw fail(null, source, "token", Reason.BAD_CREDENTIALS, "unknown, expired or revoked token", now);
            }
            AccountStore.Row row = accounts.row(owner.get().account()).orElseThrow();
            if (row.disabled()) {
                throw fail(row.name(), source, "token", Reason.DISABLED, "account disabled", now);
            }
            if (row.credentialStamp() != owner.get().stamp()) {
                throw fail(row.name(), source, "token", Reason.BAD_CREDENTIALS, "token issued before the account's "
                        + "password was last changed", now);
            }
            return OperatorAccountsImpl.operator(row);
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
    }

    @Override
    public Operator publicKey(String name, String keyType, byte[] keyBlob, String source) throws LoginRefusedException {
        try {
            String user = name == null ? "" : name;
            Instant now = clock.instant();
            Optional<AccountStore.Row> found = accounts.row(user);
            if (found.isEmpty()) {
                throw fail(null, source, "public key", Reason.BAD_CREDENTIALS, "no such account", now);
            }
            // The account's lockout counts wrong passwords: a key is a factor a password guesser lacks, so a locked
            // account still logs in with its key (a disabled one does not); nor does the key login lift the lockout.
            AccountStore.Row row = enabled(found.get(), source, "public key", now);
            if (keyType == null || keyBlob == null
                    || !accounts.hasKey(row.name(), keyType, Base64.getEncoder().encodeToString(keyBlob))) {
                // Counted for the address, not the account: an SSH client offers each key it has in turn.
                throw new LoginRefusedException(Reason.BAD_CREDENTIALS, failText(row.name(), false, source,
                        "public key", "unknown key " + (keyBlob == null ? "" : SshKeys.fingerprint(keyBlob)), now));
            }
            String weak = SshKeys.weakness(keyType, keyBlob); // a key added before the rule, or straight into the store
            if (weak != null) {
                log.warn("Public-key login of '{}' refused: key {} is {}; the operator adds a stronger key "
                        + "(user:key-add) and an admin removes this one", row.name(), SshKeys.fingerprint(keyBlob), weak);
                throw new LoginRefusedException(Reason.BAD_CREDENTIALS, failText(row.name(), false, source,
                        "public key", "weak key " + SshKeys.fingerprint(keyBlob) + ": " + weak, now));
            }
            audit.login(row.name(), source, "public key " + SshKeys.fingerprint(keyBlob), AuditOutcome.SUCCESS, null);
            return OperatorAccountsImpl.operator(row);
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
    }

    @Override
    public boolean knowsKey(String name, String keyType, byte[] keyBlob) {
        try {
            Optional<AccountStore.Row> row = accounts.row(name == null ? "" : name);
            return row.isPresent() && !row.get().disabled() && keyType != null && keyBlob != null
                    && SshKeys.weakness(keyType, keyBlob) == null // a weak one is refused, audited, by publicKey
                    && accounts.hasKey(name, keyType, Base64.getEncoder().encodeToString(keyBlob));
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
    }

    @Override
    public Optional<Operator> current(Operator operator) {
        if (!OperatorAccountsImpl.ORIGIN.equals(operator.origin())) {
            return Optional.of(operator); // vouched for by an authenticator plugin: no account here to read again
        }
        try {
            return accounts.row(operator.name())
                    .filter(row -> !row.disabled() && row.credentialStamp() == operator.credentialStamp())
                    .map(OperatorAccountsImpl::operator);
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
    }

    @Override
    public Duration sessionLifetime() {
        return Duration.ofHours(configuration.sessionLifetimeHours());
    }

    /**
     * A password login from a locked address is refused before its password is checked. Keys and tokens are not asked
     * this (as the account's lock does not apply to them): they are possession factors no guesser from that address
     * has, and the listeners are on loopback, where every operator's tunnel arrives from one address, so a lock that
     * refused them too let anyone who reaches the port keep every operator out, keys included, with 20 wrong passwords
     * (found trying it as an operator would). Their failures are still counted for the address.
     */
    private void refuseLockedSource(String user, String source, String method, Instant now)
            throws LoginRefusedException, SQLException {
        OperatorsConfiguration config = configuration;
        if (sources.locked(SourceLockout.address(source), now)) {
            denied(user, source, method, "source address locked after " + config.sourceMaxFailures()
                    + " failed logins");
            throw new LoginRefusedException(Reason.LOCKED_SOURCE, REFUSED);
        }
    }

    /** The account for a password login: neither locked after failed passwords nor disabled. */
    private AccountStore.Row usable(AccountStore.Row row, String source, String method, Instant now)
            throws LoginRefusedException {
        if (row.lockedUntil() != null && row.lockedUntil().isAfter(now)) {
            sourceFailed(source, method, now);
            denied(row.name(), source, method, "account locked until " + row.lockedUntil());
            throw new LoginRefusedException(Reason.LOCKED_ACCOUNT, REFUSED);
        }
        return enabled(row, source, method, now);
    }

    /** The account for a key or token login: not disabled (the password lockout does not apply). */
    private AccountStore.Row enabled(AccountStore.Row row, String source, String method, Instant now)
            throws LoginRefusedException {
        if (row.disabled()) {
            throw new LoginRefusedException(Reason.DISABLED, failText(row.name(), true, source, method,
                    "account disabled", now));
        }
        return row;
    }

    private void checkSecondFactor(AccountStore.Row row, String code, String source, Instant now)
            throws LoginRefusedException, SQLException {
        // Every failure past the right password answers (the same text) and counts as a wrong password does: the
        // answer must not tell a caller without the second factor that the password was right (redteam-3 #14). The
        // reason is for the container's own bundles, the audit trail and the log, never for the caller.
        boolean required = row.roles().stream().anyMatch(secondFactorRoles::contains);
        if (row.totpSecret() == null) {
            if (required) {
                log.warn("Login of '{}' refused: the account's role needs a second factor and none is enrolled; an "
                        + "admin runs user:totp {} at the console", row.name(), row.name());
                throw fail(row.name(), source, "password", Reason.SECOND_FACTOR_NEEDED,
                        "second factor required, none enrolled", now);
            }
            return;
        }
        if (code == null || code.isBlank()) {
            throw fail(row.name(), source, "password", Reason.SECOND_FACTOR_NEEDED, "second factor not given", now);
        }
        String given = code.strip();
        String secret;
        try {
            secret = accounts.totpSecret(row);
        } catch (CipherException e) {
            log.error("The TOTP secret of '{}' does not open under the data keys held: {}. An admin re-enrols it with "
                    + "user:totp {} at the console", row.name(), e.getMessage(), row.name());
            audit.login(row.name(), source, "password", AuditOutcome.DENIED, "second factor's secret does not open "
                    + "under the data keys held"); // not a flood: the account's password was right
            throw new LoginRefusedException(Reason.SECOND_FACTOR_WRONG, "This account's second factor cannot be "
                    + "checked (its secret does not open under the data keys held): an admin runs user:totp "
                    + row.name() + " at the console");
        }
        long step = Totp.matchingStep(Totp.unbase32(secret), given, now.getEpochSecond(), row.totpLastStep());
        boolean ok = step >= 0 ? accounts.useStep(row.name(), step)
                : accounts.useRecoveryCode(row.name(), Secrets.sha256(given.toUpperCase(java.util.Locale.ROOT)), now);
        if (!ok) {
            throw fail(row.name(), source, "password", Reason.SECOND_FACTOR_WRONG, "wrong or reused second factor", now);
        }
    }

    private LoginRefusedException fail(String account, String source, String method, Reason reason, String detail,
            Instant now) throws SQLException {
        return new LoginRefusedException(reason, failText(account, account != null, source, method, detail, now));
    }

    private String failText(String account, boolean countAccount, String source, String method, String detail,
            Instant now) {
        OperatorsConfiguration config = configuration;
        sourceFailed(source, method, now);
        if (account != null && countAccount) {
            try {
                if (accounts.recordFailure(account, config.maxFailures(), now.plus(lockout()))) {
                    // a change of state: always written, never only counted
                    audit.login(account, source, method, AuditOutcome.DENIED, detail + "; account locked for "
                            + config.lockoutSeconds() + " s after " + config.maxFailures() + " failures");
                    return REFUSED;
                }
            } catch (SQLException e) {
                throw OperatorAccountsImpl.storeFailed(e);
            }
        }
        denied(account == null ? "(unknown)" : account, source, method, detail);
        return REFUSED;
    }

    /** A refused login, through the flood-bounded {@link Refusals}. */
    private void denied(String account, String source, String method, String reason) {
        refusals.refused(source, account, "login", method + ": " + reason);
    }

    /** Counts a failure of the address (in the store: every node sees it); the one that locks it is always written. */
    private void sourceFailed(String source, String method, Instant now) {
        OperatorsConfiguration config = configuration;
        try {
            if (sources.fail(SourceLockout.address(source), config.sourceMaxFailures(), lockout(), now)) {
                audit.login("(address)", source, method, AuditOutcome.DENIED, "source address locked for "
                        + config.lockoutSeconds() + " s after " + config.sourceMaxFailures() + " failed logins");
            }
        } catch (SQLException e) {
            throw OperatorAccountsImpl.storeFailed(e);
        }
    }

    private Duration lockout() {
        return Duration.ofSeconds(configuration.lockoutSeconds());
    }
}
