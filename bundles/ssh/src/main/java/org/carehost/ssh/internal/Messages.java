package org.carehost.ssh.internal;

/** The message of a failed command, as the console prints it: the first cause that has one. */
final class Messages {

    private Messages() {
    }

    static String of(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
