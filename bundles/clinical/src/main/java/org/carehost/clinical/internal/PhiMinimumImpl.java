package org.carehost.clinical.internal;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.carehost.clinical.PhiMinimum;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link PhiMinimum} from the stored record and {@link CareRules#minimise(Purpose, String, Patient)}: the values a
 * read for the purpose would drop are the record's values missing from its minimised copy, so that what a purpose
 * sees is decided in one place.
 */
@Component
public final class PhiMinimumImpl implements PhiMinimum {

    private final PatientRecords records;
    private final CareRules care;

    @Activate
    public PhiMinimumImpl(@Reference PatientRecords records, @Reference CareRules care) {
        this.records = records;
        this.care = care;
    }

    @Override
    public String minimise(String tenant, Purpose purpose, String patientId, String text) {
        if (text == null || text.isEmpty() || patientId == null) {
            return text;
        }
        Patient stored;
        try {
            stored = records.get(tenant, patientId);
        } catch (ResourceNotFoundException unknown) {
            return text;
        }
        Patient seen = care.minimise(purpose, tenant, stored);
        Set<String> kept = values(seen);
        String result = text;
        if (!stored.id().equals(seen.id())) {
            result = replaceWhole(result, stored.id(), seen.id()); // research: the pseudonym in place of the id
        }
        for (String value : values(stored).stream().filter(value -> !kept.contains(value))
                .sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            result = replaceWhole(result, value, WITHHELD);
        }
        return result;
    }

    @Override
    public String reference(String tenant, Purpose purpose, String patientId) {
        return patientId == null ? null : care.reference(purpose, tenant, patientId);
    }

    /** The record's text values a reader could recognise the patient by (the id is handled apart). */
    private static Set<String> values(Patient patient) {
        Set<String> values = new LinkedHashSet<>();
        for (Identifier identifier : patient.identifiers()) {
            add(values, identifier.value());
        }
        for (HumanName name : patient.names()) {
            add(values, name.family());
            name.given().forEach(given -> add(values, given));
        }
        for (ContactPoint contact : patient.telecom()) {
            add(values, contact.value());
        }
        for (Address address : patient.addresses()) {
            address.line().forEach(line -> add(values, line));
            add(values, address.city());
            add(values, address.postalCode());
        }
        return values;
    }

    private static void add(Set<String> values, String value) {
        if (value != null && !value.isBlank()) {
            values.add(value.strip());
        }
    }

    /** Every whole occurrence (not inside a longer word or number) of {@code value}, ignoring case. */
    static String replaceWhole(String text, String value, String replacement) {
        Pattern whole = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(value) + "(?![\\p{L}\\p{N}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return whole.matcher(text).replaceAll(Matcher.quoteReplacement(replacement));
    }
}
