package org.carehost.operators.internal;

import org.carehost.crypto.PhiCipher;

/**
 * TOTP secrets at rest: sealed with the {@link PhiCipher} (AES-256-GCM under the data key), bound to the account's
 * row by the aad, so that a secret copied to another account does not open. A secret from before sealing (base32,
 * which never holds a '.') is read as it is until it is sealed (at start, and by every key rotation).
 */
final class TotpSeal {

    private static final String AAD = "operator_account.totp_secret|";

    private final PhiCipher cipher;

    TotpSeal(PhiCipher cipher) {
        this.cipher = cipher;
    }

    String seal(String account, String base32) {
        return cipher.seal(base32, AAD + account);
    }

    /** The base32 secret; throws {@link org.carehost.crypto.CipherException} when it does not open. */
    String open(String account, String stored) {
        return isClear(stored) ? stored : cipher.open(stored, AAD + account);
    }

    boolean isCurrent(String stored) {
        return !isClear(stored) && cipher.isCurrent(stored);
    }

    private static boolean isClear(String stored) {
        return stored.indexOf('.') < 0;
    }
}
