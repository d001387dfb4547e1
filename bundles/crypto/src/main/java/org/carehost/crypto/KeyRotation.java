package org.carehost.crypto;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Re-encryption under a new key, offered by whoever stores sealed values (the clinical services): begins a
 * rotation, re-seals every row, then retires the old keys. Interrupted (a crash, a stop), it resumes where it
 * was: call it again, or let the next start finish it.
 */
@ConsumerType
public interface KeyRotation {

    /** Rotates and reports what was done: the new key, rows re-sealed, keys retired. */
    String rotate();
}
