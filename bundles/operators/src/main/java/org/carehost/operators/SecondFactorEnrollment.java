package org.carehost.operators;

import java.util.List;

/**
 * A TOTP second factor as enrolled: shown once. {@code secret} is base32 (for an authenticator app),
 * {@code uri} the {@code otpauth://} form of it, {@code recoveryCodes} single-use codes for when the device is lost.
 */
public record SecondFactorEnrollment(String account, String secret, String uri, List<String> recoveryCodes) {
}
