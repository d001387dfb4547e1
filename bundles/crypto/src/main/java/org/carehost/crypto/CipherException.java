package org.carehost.crypto;

/**
 * A value could not be opened: sealed under a key this node does not hold, not a sealed value, or changed or moved.
 * The message never contains the value or the aad.
 */
public class CipherException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CipherException(String message) {
        super(message);
    }

    public CipherException(String message, Throwable cause) {
        super(message, cause);
    }
}
