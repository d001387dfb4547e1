package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.carehost.crypto.PhiCipher;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Patient;

/**
 * How PHI is kept at rest: every resource sealed (AES-256-GCM) and bound to its row, names findable only
 * through keyed hashes of their prefixes, identifier values only as keyed hashes. The database never holds a
 * name, a contact detail, a note or an identifier in the clear.
 */
final class AtRest {

    /** Longest name prefix indexed; a longer search term is cut to it (and may then match a little more). */
    static final int MAX_PREFIX = 40;
    /** What sealed values start with; a resource without it was written before encryption. */
    private static final String SEALED = "c1.";

    private final PhiCipher cipher;

    AtRest(PhiCipher cipher) {
        this.cipher = cipher;
    }

    String seal(String type, String id, String json) {
        return cipher.seal(json, aad(type, id));
    }

    /** The JSON of a stored resource; a row from before encryption is read as it is (and resealed at start). */
    String open(String type, String id, String stored) {
        return stored.startsWith(SEALED) ? cipher.open(stored, aad(type, id)) : stored;
    }

    /** A LIKE pattern matching values sealed under the current key: rows NOT LIKE it need (re)sealing. */
    String currentPattern() {
        return Sql.startsWith(SEALED + cipher.currentKeyId() + ".");
    }

    /**
     * Up to {@code batch} rows of {@code table} (patient or appointment: id, resource) whose resource is not
     * sealed under the current key, as {id, stored resource}.
     */
    List<String[]> stale(Connection connection, String table, int batch) throws SQLException {
        List<String[]> stale = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, resource FROM " + table + " WHERE resource NOT LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?")) {
            select.setString(1, currentPattern());
            select.setInt(2, batch);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    stale.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
        }
        return stale;
    }

    /** How many rows of {@code table} are not sealed under the current key. */
    long staleCount(Connection connection, String table) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + table + " WHERE resource NOT LIKE ? ESCAPE '\\'")) {
            count.setString(1, currentPattern());
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The key index of every name prefix of the patient (family names and given names, lower case). */
    Set<String> nameIndexes(Patient patient) {
        Set<String> indexes = new LinkedHashSet<>();
        for (HumanName name : patient.names()) {
            List<String> parts = new ArrayList<>(name.given());
            parts.add(name.family());
            for (String part : parts) {
                String token = normalise(part);
                for (int length = 1; length <= Math.min(token.length(), MAX_PREFIX); length++) {
                    indexes.add(cipher.index(token.substring(0, length)));
                }
            }
        }
        return indexes;
    }

    /** The indexes a search for names starting with {@code prefix} looks for (every key still in use). */
    List<String> namePrefixIndexes(String prefix) {
        String token = normalise(prefix);
        return cipher.indexes(token.length() > MAX_PREFIX ? token.substring(0, MAX_PREFIX) : token);
    }

    String identifierIndex(String value) {
        return cipher.index(value);
    }

    List<String> identifierIndexes(String value) {
        return cipher.indexes(value);
    }

    /** A keyed stand-in for search terms in audit records: matchable by whoever holds the key, unreadable otherwise. */
    String term(String value) {
        return value == null ? null : cipher.index(normalise(value));
    }

    private static String normalise(String text) {
        return text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    }

    private static String aad(String type, String id) {
        return type + "|" + id;
    }
}
