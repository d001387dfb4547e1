package org.carehost.operators.internal;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.crypto.PhiCipher;
import org.carehost.context.Tenants;
import org.carehost.operators.IssuedToken;
import org.carehost.operators.Operator;
import org.carehost.operators.OperatorAccounts;
import org.carehost.operators.Role;
import org.carehost.operators.SecondFactorEnrollment;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Operator accounts in the store: checks each change, makes it, audits it. */
@Component
public final class OperatorAccountsImpl implements OperatorAccounts {

    private static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(366);

    private final AccountStore accounts;
    private final Tenants tenants;
    private final OperatorAudit audit;
    private final Passwords passwords;
    private final Secrets secrets;
    private final Clock clock;

    @Activate
    public OperatorAccountsImpl(@Reference Store store, @Reference PhiCipher cipher, @Reference Tenants tenants,
            @Reference AuditLog log, @Reference ContextBinder binder,
            @Reference(target = ContainerClock.TARGET) Clock clock) {
        this(new AccountStore(store, new TotpSeal(cipher)), tenants, new OperatorAudit(log, binder), new Passwords(new SecureRandom()), clock);
    }

    OperatorAccountsImpl(AccountStore accounts, Tenants tenants, OperatorAudit audit, Passwords passwords, Clock clock) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.audit = audit;
        this.passwords = passwords;
        this.secrets = new Secrets(new SecureRandom());
        this.clock = clock;
    }

    @Override
    public Operator add(String name, Set<Role> roles, Set<String> tenantIds, char[] password) {
        try {
            checkName(name);
            if (roles == null || roles.isEmpty()) {
                throw new IllegalArgumentException("An account needs a role: admin, hospital-admin, auditor or operator");
            }
            Set<String> own = new TreeSet<>(tenantIds == null ? Set.of() : tenantIds);
            if (roles.contains(Role.HOSPITAL_ADMIN) && own.isEmpty()) {
                throw new IllegalArgumentException("A hospital-admin needs the tenants they administer (--tenants a,b)");
            }
            if (!roles.contains(Role.HOSPITAL_ADMIN) && !own.isEmpty()) {
                throw new IllegalArgumentException("Only a hospital-admin has tenants of their own");
            }
            for (String tenant : own) {
                if (tenants.find(tenant).isEmpty()) {
                    throw new IllegalArgumentException("There is no tenant '" + tenant + "'; tenant:list shows them");
                }
            }
            Passwords.checkStrength(password);
            if (accounts.exists(name)) {
                throw new IllegalArgumentException("There is already an account '" + name + "'");
            }
            Instant now = clock.instant();
            accounts.insert(name, roles, own, passwords.hash(password), secrets.stamp(), now);
            audit.change(AuditAction.CREATE, "user:add", name, "roles " + Role.text(roles)
                    + (own.isEmpty() ? "" : ", tenants " + String.join(",", own)));
            return find(name).orElseThrow();
        } catch (SQLException e) {
            throw storeFailed(e);
        } finally {
            Passwords.wipe(password);
        }
    }

    @Override
    public List<Operator> list() {
        try {
            List<Operator> out = new ArrayList<>();
            for (AccountStore.Row row : accounts.all()) {
                out.add(operator(row));
            }
            return out;
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public Optional<Operator> find(String name) {
        try {
            return name == null ? Optional.empty() : accounts.row(name).map(OperatorAccountsImpl::operator);
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public boolean adminExists() {
        try {
            return accounts.enabledAdmins() > 0;
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public void setPassword(String name, char[] password) {
        try {
            existing(name);
            Passwords.checkStrength(password);
            accounts.setPassword(name, passwords.hash(password), secrets.stamp()); // ends sessions, shells, tokens
            audit.change(AuditAction.UPDATE, "user:passwd", name, "password set");
        } catch (SQLException e) {
            throw storeFailed(e);
        } finally {
            Passwords.wipe(password);
        }
    }

    @Override
    public void disable(String name) {
        try {
            AccountStore.Row row = existing(name);
            if (!row.disabled() && row.roles().contains(Role.ADMIN) && accounts.enabledAdmins() <= 1) {
                throw new IllegalArgumentException("'" + name + "' is the last enabled admin; add another admin first");
            }
            accounts.disable(name, secrets.stamp()); // a new stamp: enabled again, nothing from before works again
            audit.change(AuditAction.UPDATE, "user:disable", name, "disabled");
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public void enable(String name) {
        try {
            existing(name);
            accounts.enable(name);
            audit.change(AuditAction.UPDATE, "user:enable", name, "enabled");
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public IssuedToken issueToken(String name, String label, Duration lifetime) {
        try {
            AccountStore.Row row = existing(name);
            if (lifetime == null || lifetime.compareTo(Duration.ofMinutes(1)) < 0
                    || lifetime.compareTo(MAX_TOKEN_LIFETIME) > 0) {
                throw new IllegalArgumentException("A token lives from 1 minute to 366 days");
            }
            String text = label == null || label.isBlank() ? "token" : label.strip();
            if (text.length() > 200 || text.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("A token's label must be at most 200 printable characters");
            }
            Instant now = clock.instant();
            String id = secrets.id();
            String secret = secrets.token();
            Instant expires = now.plus(lifetime);
            accounts.insertToken(id, name, row.credentialStamp(), Secrets.sha256(secret), text, now, expires);
            audit.change(AuditAction.CREATE, "user:token", name, "token " + id + " (" + text + ") until " + expires);
            return new IssuedToken(id, name, text, expires, secret);
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public boolean revokeToken(String name, String tokenId) {
        try {
            existing(name);
            boolean revoked = accounts.revokeToken(name, tokenId, clock.instant());
            if (revoked) {
                audit.change(AuditAction.UPDATE, "user:token-revoke", name, "token " + tokenId + " revoked");
            }
            return revoked;
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public List<String> tokens(String name) {
        return liveTokens(name).stream().map(token -> token.id() + "  " + token.label() + "  created " + token.created()
                + "  expires " + token.expires()).toList();
    }

    @Override
    public List<org.carehost.operators.LiveToken> liveTokens(String name) {
        try {
            existing(name);
            return accounts.tokens(name, clock.instant());
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public String addKey(String name, String authorizedKeysLine) {
        try {
            existing(name);
            SshKeys key = SshKeys.parse(authorizedKeysLine);
            String fingerprint = SshKeys.fingerprint(key.blob());
            if (!accounts.insertKey(name, fingerprint, key.type(), key.base64(), key.comment(), clock.instant())) {
                throw new IllegalArgumentException("'" + name + "' already has the key " + fingerprint);
            }
            audit.change(AuditAction.CREATE, "user:key-add", name, key.type() + " " + fingerprint);
            return fingerprint;
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public List<String> keys(String name) {
        try {
            existing(name);
            return accounts.keys(name);
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    @Override
    public SecondFactorEnrollment enrollSecondFactor(String name) {
        try {
            existing(name);
            String secret = Totp.base32(Totp.newSecret(secrets.random()));
            List<String> codes = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String code = secrets.recoveryCode();
                codes.add(code);
                hashes.add(Secrets.sha256(code));
            }
            accounts.setSecondFactor(name, secret, hashes);
            audit.change(AuditAction.UPDATE, "user:totp", name, "second factor enrolled, 10 recovery codes");
            String uri = "otpauth://totp/Carehost:" + name + "?secret=" + secret + "&issuer=Carehost&digits=6&period="
                    + Totp.STEP_SECONDS;
            return new SecondFactorEnrollment(name, secret, uri, List.copyOf(codes));
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    /** The {@link Operator#origin()} of the container's own accounts. */
    static final String ORIGIN = "accounts";

    static Operator operator(AccountStore.Row row) {
        return new Operator(row.name(), row.roles(), row.tenants(), row.disabled(), row.totpSecret() != null,
                row.created(), ORIGIN, row.credentialStamp());
    }

    private AccountStore.Row existing(String name) throws SQLException {
        return accounts.row(name == null ? "" : name)
                .orElseThrow(() -> new IllegalArgumentException("There is no account '" + name + "'; user:list shows them"));
    }

    private static void checkName(String name) {
        if (name == null || !Operator.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("An account name is 1 to 64 letters, digits, '.', '_', '@' or '-', "
                    + "starting with a letter or digit");
        }
    }

    static IllegalStateException storeFailed(SQLException e) {
        return new IllegalStateException("The operator accounts could not be read or written: " + e.getMessage()
                + " (see the store's log)", e);
    }
}
