package org.carehost.crypto;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Values sealed with the {@link PhiCipher} that a bundle other than the clinical one keeps (operator accounts' TOTP
 * secrets, for example). Registered as a service, it is re-sealed by the {@link KeyRotation} together with the
 * clinical rows, so that a rotation never retires the key such a value is still sealed under.
 */
@ConsumerType
public interface SealedValues {

    /** Re-seals up to {@code batch} values not sealed under the current key; returns how many were re-sealed. */
    int reseal(int batch);

    /** How many values are not sealed under the current key (also values from before sealing, in clear). */
    long staleCount();
}
