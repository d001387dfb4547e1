package org.carehost.audit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.carehost.sdk.audit.AuditRecord;

/**
 * The hash chain: a record's hash is SHA-256(previous hash, canonical form). The canonical form lists every
 * field with its length (so no choice of values can make two records read alike), the time in epoch
 * milliseconds, and enums by code: the same on every JVM, node and database. The care context fields follow
 * a marker, and only when the record has one, so records written before they existed still verify.
 */
final class Chain {

    static final String GENESIS = "0".repeat(64);
    static final String CONTEXT_MARKER = "ctx";

    private Chain() {
    }

    static String hash(String previousHash, AuditRecord record) {
        return hash(sha256(), previousHash, record);
    }

    /**
     * As {@link #hash(String, AuditRecord)} with a digest the caller keeps (and uses from one thread at a time):
     * looking SHA-256 up among the security providers costs more than hashing one record.
     */
    static String hash(MessageDigest sha256, String previousHash, AuditRecord record) {
        return hashCanonical(sha256, previousHash, canonical(record));
    }

    /** As {@link #hash(MessageDigest, String, AuditRecord)}, given the record's {@link #canonical} form. */
    static String hashCanonical(MessageDigest sha256, String previousHash, String canonical) {
        sha256.reset();
        sha256.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        sha256.update(canonical.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha256.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String canonical(AuditRecord record) {
        StringBuilder text = new StringBuilder(256);
        field(text, Long.toString(record.sequence()));
        field(text, Long.toString(record.recorded().toEpochMilli()));
        field(text, record.node());
        field(text, record.plugin());
        field(text, record.pluginVersion());
        field(text, record.user());
        field(text, record.purposeOfUse());
        field(text, record.action().code());
        field(text, record.operation());
        field(text, record.resourceType());
        field(text, record.resourceId());
        field(text, record.patientId());
        field(text, record.query());
        field(text, record.outcome().name());
        field(text, record.reason());
        if (record.tenant() != null || record.roles() != null || record.correlationId() != null
                || record.breakGlass() != null) {
            field(text, CONTEXT_MARKER);
            field(text, record.tenant());
            field(text, record.roles());
            field(text, record.correlationId());
            field(text, record.breakGlass());
        }
        return text.toString();
    }

    private static void field(StringBuilder text, String value) {
        if (value == null) {
            text.append("-;");
        } else {
            text.append(value.length()).append(':').append(value).append(';');
        }
    }
}
