package org.carehost.crypto;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Seals and opens PHI field values (AES-256-GCM) and computes keyed lookup hashes (HMAC-SHA256).
 * Every method may be called by many threads at once. Implemented only by the crypto bundle: a provider type.
 */
@ProviderType
public interface PhiCipher {

    /**
     * Seals a value with AES-256-GCM under the current key (random 96-bit IV, 128-bit tag). The aad binds the
     * value to where it is stored (for example {@code "patient.resource|<id>"}), so that a value copied to another
     * row does not open. The result is ASCII: {@code "c1." + keyId + "." + base64url(iv || ciphertext+tag)}, without
     * padding. Returns null for null.
     */
    String seal(String plaintext, String aad);

    /**
     * Opens a sealed value, given the aad it was sealed with. Returns null for null.
     *
     * @throws CipherException when the value was sealed under a key this node does not hold, is not a sealed
     *         value, or does not authenticate (it was changed, or it belongs to another aad)
     */
    String open(String sealed, String aad);

    /** True when the value was sealed under the current key (rotation uses this to find what is left to re-encrypt). */
    boolean isCurrent(String sealed);

    /** The id of the key new values are sealed under, for example {@code "k2"}. */
    String currentKeyId();

    /**
     * A keyed hash for equality lookups (medical record numbers, for example) under the current key's index key:
     * {@code "h1." + keyId + "." + base64url(HMAC-SHA256(indexKey, value))}. The index key is derived from the data
     * key, {@code HMAC-SHA256(dataKey, "carehost index key")}, so one key entry holds both. Returns null for null.
     */
    String index(String value);

    /**
     * {@link #index(String)} under every key still held, current first, so that a lookup during a rotation finds
     * rows indexed under either key. Empty for null.
     */
    List<String> indexes(String value);

    /**
     * A stable pseudonym for research use: {@code "ps-"} and the first 22 characters of
     * {@code base64url(HMAC-SHA256(pseudonymKey, tenant + "\u0000" + id))}. The pseudonym key is separate from the
     * data keys and never rotated, so pseudonyms stay the same across rotations.
     */
    String pseudonym(String tenant, String id);

    /**
     * Starts a rotation: makes a freshly generated key current (written to the key file before anything is sealed
     * under it) and keeps the older keys for opening. Returns the new key id. While a rotation is unfinished (more
     * than one key is held) it returns the current key id and generates nothing, so an interrupted rotation can be
     * resumed.
     */
    String beginRotation();

    /**
     * Ends a rotation: retires (removes from the key file) every key except the current one. Values still sealed
     * under a retired key no longer open, so call it only once every row is re-encrypted ({@link #isCurrent}).
     * Returns the ids retired.
     */
    List<String> finishRotation();

    /** The ids of the keys held, current first (for display; never the keys themselves). */
    List<String> keyIds();
}
