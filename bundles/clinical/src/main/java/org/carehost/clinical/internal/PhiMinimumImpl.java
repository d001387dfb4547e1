package org.carehost.clinical.internal;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;

import org.carehost.clinical.PhiMinimum;
import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.context.Purpose;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@link PhiMinimum} from the stored record and {@link CareRules#minimise(Purpose, String, Patient)}: the values a
 * read for the purpose would drop are the record's text values (every string leaf, found generically, and dates)
 * missing from its minimised copy, so that what a purpose sees is decided in one place.
 */
@Component
public final class PhiMinimumImpl implements PhiMinimum {

    private final PatientRecords records;
    private final AppointmentRecords appointments;
    private final CareRules care;

    @Activate
    public PhiMinimumImpl(@Reference PatientRecords records, @Reference AppointmentRecords appointments,
            @Reference CareRules care) {
        this.records = records;
        this.appointments = appointments;
        this.care = care;
    }

    @Override
    public boolean hasPatient(String tenant, String patientId) {
        if (tenant == null || patientId == null) {
            return false;
        }
        try {
            records.get(tenant, patientId);
            return true;
        } catch (ResourceNotFoundException unknown) {
            return false;
        }
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
            if (minimises(purpose)) {
                throw unknown; // gone since the caller asked hasPatient: nothing may leave unminimised
            }
            return text;
        }
        Patient seen = care.minimise(purpose, tenant, stored);
        Set<String> withheld = new LinkedHashSet<>(values(stored));
        withheld.removeAll(values(seen));
        for (Appointment appointment : appointmentsOf(tenant, stored.id())) {
            Set<String> dropped = new LinkedHashSet<>(values(appointment));
            dropped.removeAll(values(care.minimise(purpose, tenant, appointment)));
            withheld.addAll(dropped);
        }
        String result = text;
        if (!stored.id().equals(seen.id())) {
            result = replaceWhole(result, stored.id(), seen.id()); // research: the pseudonym in place of the id
        }
        withheld.remove(stored.id()); // replaced above (an appointment's participant reference holds it)
        for (String value : withheld.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            result = replaceWhole(result, value, WITHHELD);
        }
        return result;
    }

    /** Every appointment of the patient in the tenant, page by page. */
    private List<Appointment> appointmentsOf(String tenant, String patientId) {
        List<Appointment> all = new ArrayList<>();
        for (int offset = 0; ; offset += AppointmentQuery.MAX_LIMIT) {
            Page<Appointment> page = appointments.search(tenant, AppointmentQuery.forPatient(patientId)
                    .page(offset, AppointmentQuery.MAX_LIMIT), "", List.of());
            all.addAll(page.items());
            if (page.items().size() < AppointmentQuery.MAX_LIMIT) {
                return all;
            }
        }
    }

    @Override
    public String reference(String tenant, Purpose purpose, String patientId) {
        return patientId == null ? null : care.reference(purpose, tenant, patientId);
    }

    @Override
    public boolean minimises(Purpose purpose) {
        return care.minimises(purpose);
    }

    /**
     * Coded or coarse elements, not values a reader could tell a patient by: a contact's {@code system} and
     * {@code use} ("phone", "home"), a name's {@code use}, an identifier's {@code system} and {@code type} ("MR"), an
     * address's {@code state} and {@code country}. Withholding them would blank common words in a text.
     */
    private static final Set<String> CODED = Set.of("system", "use", "type", "state", "country");

    /**
     * Every text value of the record (a patient, an appointment: its string leaves, and dates), found by walking the
     * record's components, so that a field added to it is covered without a change here; its own id is handled apart,
     * coded elements ({@link #CODED}) are left out.
     */
    static Set<String> values(Record resource) {
        Set<String> values = new LinkedHashSet<>();
        for (RecordComponent component : resource.getClass().getRecordComponents()) {
            if (!component.getName().equals("id")) {
                leaves(read(component, resource), component.getName(), values);
            }
        }
        return values;
    }

    private static void leaves(Object value, String name, Set<String> values) {
        if (value instanceof String text) {
            if (!CODED.contains(name) && !text.isBlank()) {
                values.add(text.strip());
            }
        } else if (value instanceof java.time.LocalDate date) {
            values.add(date.toString());
        } else if (value instanceof Iterable<?> elements) {
            for (Object element : elements) {
                leaves(element, name, values);
            }
        } else if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                leaves(read(component, record), component.getName(), values);
            }
        }
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component + " of " + record.getClass().getName()
                    + " to minimise a text: " + e, e);
        }
    }

    /**
     * The text ({@link WholeValues#normalised NFKC, without format characters}) with every whole occurrence of
     * {@code value} as people write it ({@link WholeValues}: any spaces, a phone number's separators and national
     * forms, a date's orders and month names) replaced.
     */
    static String replaceWhole(String text, String value, String replacement) {
        return WholeValues.replace(text, value, replacement);
    }
}
