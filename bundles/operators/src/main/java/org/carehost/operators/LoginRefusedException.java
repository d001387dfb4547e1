package org.carehost.operators;

/**
 * A login that did not succeed. The message is safe to show the person logging in: it never says whether the
 * account exists or which part of the credentials was wrong (the password or the second factor).
 */
public final class LoginRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why, for the audit record and the log; never shown to the person logging in. */
    public enum Reason {
        BAD_CREDENTIALS, SECOND_FACTOR_NEEDED, SECOND_FACTOR_WRONG, LOCKED_ACCOUNT, LOCKED_SOURCE, DISABLED,
        NOT_ALLOWED
    }

    private final Reason reason;

    public LoginRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
