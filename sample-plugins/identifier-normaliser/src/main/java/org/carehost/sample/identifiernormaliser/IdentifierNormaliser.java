package org.carehost.sample.identifiernormaliser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.plugin.Transformer;
import org.osgi.service.component.annotations.Component;

/**
 * Normalises imported patients' identifiers before the host matches and stores them (the import path runs every
 * enabled {@code Transformer<Patient, Patient>}, then the validators): systems and values are trimmed, a medical record
 * number loses its spaces and dashes and is upper case ({@code " mrn-00 42"} becomes {@code "MRN0042"}), and empty or
 * repeated identifiers are dropped. The host finds the stored patient to update by medical record number after this
 * runs, so the same number written two ways updates one patient instead of making two.
 * <p>
 * A transformer must not fail on data it does not understand: what it does not recognise it passes on unchanged (the
 * validators judge it). It reads nothing but its input, but it is given every patient imported and what it returns is
 * stored: it declares read:patients and write:patients, without which the host does not call it.
 */
@Component(service = Transformer.class)
public class IdentifierNormaliser implements Transformer<Patient, Patient> {

    @Override
    public Class<Patient> inputType() {
        return Patient.class;
    }

    @Override
    public Class<Patient> outputType() {
        return Patient.class;
    }

    @Override
    public Patient transform(Patient input) {
        List<Identifier> identifiers = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Identifier identifier : input.identifiers()) {
            Identifier normalised = normalise(identifier);
            if (normalised.value() == null || normalised.value().isEmpty()) {
                continue;
            }
            if (seen.add(normalised.system() + "|" + normalised.value())) {
                identifiers.add(normalised);
            }
        }
        return input.toBuilder().identifiers(identifiers).build();
    }

    static Identifier normalise(Identifier identifier) {
        String system = identifier.system() == null ? null : identifier.system().strip();
        String value = identifier.value() == null ? null : identifier.value().strip();
        if (identifier.isMedicalRecordNumber() && value != null) {
            value = value.replaceAll("[\\s\\-]", "").toUpperCase(Locale.ROOT);
        }
        return new Identifier(system, value, identifier.type());
    }
}
