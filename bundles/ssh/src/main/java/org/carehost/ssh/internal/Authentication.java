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

    private static final AttributeKey<Sessions.Login> OPERATOR = new AttributeKey<>();
    private static final AttributeKey<OfferedKey> KEY = new AttributeKey<>();

    private final Sessions sessions;
    private final Logins logins;

    Authentication(Sessions sessions) {
        this.sessions = sessions;
        this.logins = sessions.logins();
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
            session.setAttribute(OPERATOR, new Sessions.Login(logins.password(user, password.toCharArray(), null,
                    source(session)), sessions.now()));
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
            session.setAttribute(OPERATOR, new Sessions.Login(logins.password(user, responses.get(0).toCharArray(),
                    code, source(session)), sessions.now()));
            return true;
        } catch (LoginRefusedException e) {
            return false; // audited and counted by Logins
        }
    }

    /**
     * Who logged in on this connection, and when; throws when the login is refused after all (the account disabled
     * meanwhile) or the connection may run no more commands ({@link Sessions#revoked}).
     */
    static Sessions.Login operator(Sessions sessions, ServerSession session) throws LoginRefusedException {
        synchronized (session) {
            Sessions.Login login = session.getAttribute(OPERATOR);
            if (login != null) {
                String revoked = sessions.revoked(login); // another channel of the connection, maybe much later
                if (revoked != null) {
                    throw new LoginRefusedException(LoginRefusedException.Reason.DISABLED, revoked);
                }
                return login;
            }
            OfferedKey key = session.getAttribute(KEY);
            if (key == null || !key.user().equals(session.getUsername())) {
                throw new LoginRefusedException(LoginRefusedException.Reason.NOT_ALLOWED, "Login refused");
            }
            login = new Sessions.Login(sessions.logins().publicKey(key.user(), key.type(), key.blob(),
                    source(session)), sessions.now());
            session.setAttribute(OPERATOR, login);
            return login;
        }
    }

    /** {@code ssh <address>}: the address without the port, so the lockout counts per machine, not per connection. */
    static String source(ServerSession session) {
        SocketAddress address = session.getClientAddress();
        return "ssh " + (address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address));
    }
}
