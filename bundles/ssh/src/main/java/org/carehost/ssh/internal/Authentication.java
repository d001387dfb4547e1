package org.carehost.ssh.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Logins;
import org.carehost.operators.Operator;

/**
 * SSH logins through {@link Logins}. SSHD asks the public-key authenticator twice for a key, first without the
 * signature (whether the key would do); so here a known key only marks the session, and the login itself (audited,
 * lockout checked) happens in {@link #operator} once SSHD has verified the signature and a channel opens. An unknown
 * key is a failed login at once.
 *
 * <p>With passwords enabled, keyboard-interactive asks for the password and the one-time code (TOTP or a recovery
 * code) together, so that a role the policy requires a second factor of logs in over SSH as over HTTP; both prompts
 * are always shown, so that they say nothing about the account. The plain {@code password} method has no place for
 * the code: it logs in only accounts whose roles need none.
 */
final class Authentication implements PublickeyAuthenticator, PasswordAuthenticator, KeyboardInteractiveAuthenticator {

    static final String PASSWORD_PROMPT = "Password: ";
    static final String CODE_PROMPT = "One-time code (authenticator app or recovery code; empty if none): ";

    private record OfferedKey(String user, String type, byte[] blob) {
    }

    private static final AttributeKey<Operator> OPERATOR = new AttributeKey<>();
    private static final AttributeKey<OfferedKey> KEY = new AttributeKey<>();

    private final Logins logins;

    Authentication(Logins logins) {
        this.logins = logins;
    }

    @Override
    public boolean authenticate(String user, PublicKey key, ServerSession session) {
        String[] entry = PublicKeyEntry.toString(key).split(" ");
        byte[] blob = Base64.getDecoder().decode(entry[1]);
        if (logins.knowsKey(user, entry[0], blob)) {
            session.setAttribute(KEY, new OfferedKey(user, entry[0], blob));
            return true;
        }
        try {
            logins.publicKey(user, entry[0], blob, source(session));
        } catch (LoginRefusedException e) {
            // audited and counted by Logins
        }
        return false;
    }

    @Override
    public boolean authenticate(String user, String password, ServerSession session) {
        try {
            session.setAttribute(OPERATOR, logins.password(user, password.toCharArray(), null, source(session)));
            return true;
        } catch (LoginRefusedException e) {
            return false;
        }
    }

    @Override
    public InteractiveChallenge generateChallenge(ServerSession session, String user, String lang, String subMethods) {
        InteractiveChallenge challenge = new InteractiveChallenge();
        challenge.setInteractionName("Carehost login");
        challenge.setInteractionInstruction("");
        challenge.setLanguageTag("");
        challenge.addPrompt(PASSWORD_PROMPT, false);
        challenge.addPrompt(CODE_PROMPT, false);
        return challenge;
    }

    @Override
    public boolean authenticate(ServerSession session, String user, List<String> responses) {
        if (responses == null || responses.size() != 2) {
            return false;
        }
        String code = responses.get(1) == null || responses.get(1).isBlank() ? null : responses.get(1).strip();
        try {
            session.setAttribute(OPERATOR, logins.password(user, responses.get(0).toCharArray(), code,
                    source(session)));
            return true;
        } catch (LoginRefusedException e) {
            return false; // audited and counted by Logins
        }
    }

    /** Who logged in on this session; throws when the login is refused after all (the account locked meanwhile). */
    static Operator operator(Logins logins, ServerSession session) throws LoginRefusedException {
        synchronized (session) {
            Operator operator = session.getAttribute(OPERATOR);
            if (operator != null) {
                String revoked = revoked(logins, operator); // another channel of the connection, maybe much later
                if (revoked != null) {
                    throw new LoginRefusedException(LoginRefusedException.Reason.DISABLED, revoked);
                }
                return operator;
            }
            OfferedKey key = session.getAttribute(KEY);
            if (key == null || !key.user().equals(session.getUsername())) {
                throw new LoginRefusedException(LoginRefusedException.Reason.NOT_ALLOWED, "Login refused");
            }
            operator = logins.publicKey(key.user(), key.type(), key.blob(), source(session));
            session.setAttribute(OPERATOR, operator);
            return operator;
        }
    }

    /**
     * Why the operator of a connection may run no more commands: their account was disabled or removed, or its roles
     * or tenants changed, since the login (read again, {@link Logins#current}); null while it is as it was.
     */
    static String revoked(Logins logins, Operator operator) {
        Operator now = logins.current(operator).orElse(null);
        if (now == null) {
            return "Refused: the account " + operator.name() + " is disabled or was removed; the connection closes";
        }
        if (!now.roles().equals(operator.roles()) || !now.tenants().equals(operator.tenants())) {
            return "Refused: the roles or tenants of " + operator.name() + " changed since this login; the connection "
                    + "closes (log in again)";
        }
        return null;
    }

    /** {@code ssh <address>}: the address without the port, so the lockout counts per machine, not per connection. */
    static String source(ServerSession session) {
        SocketAddress address = session.getClientAddress();
        return "ssh " + (address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address));
    }
}
