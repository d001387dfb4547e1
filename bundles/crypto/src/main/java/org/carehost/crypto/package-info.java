/**
 * Encryption of PHI fields at rest, for the container's own bundles: values sealed so that they open only
 * where they were stored, keyed hashes to look them up by, pseudonyms for research, and key rotation.
 */
@Export
@Version("1.3.0")
package org.carehost.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
