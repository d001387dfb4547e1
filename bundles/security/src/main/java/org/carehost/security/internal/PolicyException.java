package org.carehost.security.internal;

/** The policy file (or an edit of it) is invalid; the message says where and how to fix it. */
final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    PolicyException(String message) {
        super(message);
    }
}
