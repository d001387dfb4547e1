package org.carehost.ssh.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.carehost.operators.Logins;
import org.carehost.operators.Operator;

/**
 * Whether an SSH connection may run one more command, decided from state at that moment: the account as it is now
 * ({@link Logins#current}: not disabled, not removed, the same password, roles and tenants as at the login) and the
 * connection's age against the one session lifetime of the container ({@link Logins#sessionLifetime}, setting
 * {@code sessionLifetimeHours} of {@code org.carehost.operators}, as for browser sessions).
 */
final class Sessions {

    /** Who logged in on a connection, and when. */
    record Login(Operator operator, Instant since) {
    }

    private final Logins logins;
    private final Clock clock;

    Sessions(Logins logins, Clock clock) {
        this.logins = logins;
        this.clock = clock;
    }

    Logins logins() {
        return logins;
    }

    Instant now() {
        return clock.instant();
    }

    /** Why the connection of that login may run no more commands, in words for the operator; null while it may. */
    String revoked(Login login) {
        Operator operator = login.operator();
        Duration lifetime = logins.sessionLifetime();
        if (!login.since().plus(lifetime).isAfter(now())) {
            return "Refused: this SSH login of " + operator.name() + " is older than " + lifetime.toHours()
                    + " h, the most a session lasts (sessionLifetimeHours in etc/org.carehost.operators.cfg); "
                    + "the connection closes (log in again)";
        }
        Operator now = logins.current(operator).orElse(null);
        if (now == null) {
            return "Refused: the account " + operator.name() + " is disabled, was removed or had its password "
                    + "changed since this login; the connection closes";
        }
        if (!now.roles().equals(operator.roles()) || !now.tenants().equals(operator.tenants())) {
            return "Refused: the roles or tenants of " + operator.name() + " changed since this login; the connection "
                    + "closes (log in again)";
        }
        return null;
    }
}
