package org.carehost.clinical.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.resource.Page;
import org.carehost.store.Paging;
import org.carehost.store.Store;

/**
 * Finding patients: a {@link PatientQuery} turned into parameterised SQL over the keyed-hash indexes (names and
 * identifiers are sealed, so the store matches their keyed hashes under every key still in use), the lookup of a
 * tenant's patient by medical record number that an import updates, and the cross-tenant identifier lookup.
 */
final class PatientSearch {

    /**
     * Names are sealed, so the store cannot sort by them: a search matching up to this many patients is read
     * whole, opened and sorted by family name, given names, id; a larger one comes in id order (a narrower
     * search gets name order back).
     */
    static final int SORTED_UP_TO = 2000;
    private static final Comparator<Patient> BY_NAME = Comparator
            .comparing((Patient p) -> p.name().map(n -> n.family() == null ? null : n.family().toLowerCase(Locale.ROOT))
                    .orElse(null), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(p -> p.name().map(n -> String.join(" ", n.given()).toLowerCase(Locale.ROOT)).orElse(""))
            .thenComparing(Patient::id);
    private static final String COLUMNS = PatientRows.COLUMNS;

    private final Store store;
    private final AtRest atRest;
    private final PatientRows rows;

    PatientSearch(Store store, AtRest atRest, PatientRows rows) {
        this.store = store;
        this.atRest = atRest;
        this.rows = rows;
    }

    /**
     * {@code more}: further conditions over {@code p} (the care rules' consent exclusion) and their parameters.
     * Results come ordered by name (see {@link #SORTED_UP_TO}).
     */
    Page<Patient> search(String tenant, PatientQuery query, String more, List<Object> moreParameters) {
        StringBuilder where = new StringBuilder(" WHERE p.tenant = ?");
        List<Object> parameters = new ArrayList<>();
        parameters.add(tenant);
        if (query.name() != null && !query.name().isBlank()) {
            List<String> indexes = atRest.namePrefixIndexes(query.name());
            // IN (subquery) rather than a correlated EXISTS: both databases drive it from the index on ix.
            where.append(" AND p.id IN (SELECT n.patient_id FROM patient_name_ix n WHERE n.ix IN (")
                    .append(marks(indexes.size())).append("))");
            parameters.addAll(indexes);
        }
        if (query.birthDate() != null) {
            where.append(" AND p.birth_date = ?");
            parameters.add(query.birthDate());
        }
        if (query.identifier() != null && !query.identifier().isBlank()) {
            String identifier = query.identifier().strip();
            int bar = identifier.indexOf('|');
            List<String> indexes = atRest.identifierIndexes(bar < 0 ? identifier : identifier.substring(bar + 1));
            where.append(" AND p.id IN (SELECT i.patient_id FROM patient_identifier i WHERE i.id_value IN (")
                    .append(marks(indexes.size())).append(')');
            parameters.addAll(indexes);
            if (bar > 0) {
                where.append(" AND i.id_system = ?");
                parameters.add(identifier.substring(0, bar));
            }
            where.append(')');
        }
        where.append(more);
        parameters.addAll(moreParameters);
        try (Connection connection = store.connection()) {
            long total = count(connection, "patient p" + where, parameters);
            if (total > SORTED_UP_TO) {
                return Paging.page(connection, COLUMNS, "patient p" + where, "p.id", parameters, query.offset(),
                        query.limit(), rows::read);
            }
            List<Patient> all = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient p" + where)) {
                bind(select, parameters);
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        all.add(rows.read(found));
                    }
                }
            }
            all.sort(BY_NAME);
            int from = Math.min(query.offset(), all.size());
            return new Page<>(all.subList(from, Math.min(from + query.limit(), all.size())), all.size(), query.offset(),
                    query.limit());
        } catch (SQLException e) {
            throw Sql.failure("search patients", e);
        }
    }

    private static long count(Connection connection, String from, List<Object> parameters) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + from)) {
            bind(count, parameters);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    /**
     * The patients of the tenant whose medical record number is {@code mrn} (same system and value; identifiers of
     * other types with the same value do not count). Consent does not hide a patient here: this finds the record an
     * import updates.
     */
    List<Patient> withMedicalRecordNumber(String tenant, Identifier mrn) {
        List<String> indexes = atRest.identifierIndexes(mrn.value());
        List<Patient> found = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient p WHERE "
                        + "p.tenant = ? AND p.id IN (SELECT i.patient_id FROM patient_identifier i WHERE i.id_system = ? "
                        + "AND i.id_type = ? AND i.id_value IN (" + marks(indexes.size()) + ")) ORDER BY p.id")) {
            select.setString(1, tenant);
            select.setString(2, mrn.system());
            select.setString(3, Identifier.MEDICAL_RECORD_NUMBER);
            for (int i = 0; i < indexes.size(); i++) {
                select.setString(i + 4, indexes.get(i));
            }
            try (ResultSet matches = select.executeQuery()) {
                while (matches.next()) {
                    Patient patient = rows.read(matches);
                    if (patient.medicalRecordNumber().filter(mrn::equals).isPresent()) {
                        found.add(patient);
                    }
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("look the patient up by medical record number", e);
        }
        return found;
    }

    /**
     * Patients of every tenant with this identifier (cross-tenant lookup, for treatment), at most 100. Patients who
     * opted out of {@code plugin} are left out, in every tenant.
     */
    List<Patient> withIdentifierInAnyTenant(String system, String value, String plugin) {
        List<String> indexes = atRest.identifierIndexes(value);
        List<Patient> found = new ArrayList<>();
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM patient p WHERE "
                        + "EXISTS (SELECT 1 FROM patient_identifier i WHERE i.patient_id = p.id AND i.id_system = ? "
                        + "AND i.id_value IN (" + marks(indexes.size()) + ")) AND NOT EXISTS (SELECT 1 FROM consent_directive c "
                        + "WHERE c.tenant = p.tenant AND c.patient_id = p.id AND c.kind = 'plugin' AND c.plugin = ?) "
                        + "ORDER BY p.tenant, p.id LIMIT 100")) {
            select.setString(1, system);
            for (int i = 0; i < indexes.size(); i++) {
                select.setString(i + 2, indexes.get(i));
            }
            select.setString(indexes.size() + 2, plugin);
            try (ResultSet matches = select.executeQuery()) {
                while (matches.next()) {
                    found.add(rows.read(matches));
                }
            }
        } catch (SQLException e) {
            throw Sql.failure("look the patient up across tenants", e);
        }
        return found;
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
