package ${package};

import java.util.List;
import java.util.Locale;

import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.plugin.Transformer;
import org.osgi.service.component.annotations.Component;

/**
 * Shapes each patient on the host's import path ({@code patient:import}) before the host's rules and the validators
 * see it: here, medical record numbers lose spaces and dashes and go upper case, so that "ab-12 34" and "AB1234" are
 * the same patient. Return a new resource, never change the input. Throwing (or returning null) fails the import of
 * that patient, and of its whole transaction Bundle: the host never stores what a transformer could not shape.
 */
@Component(service = Transformer.class)
public class ExampleTransformer implements Transformer<Patient, Patient> {

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
        Patient.Builder output = input.toBuilder().identifiers(List.of());
        for (Identifier identifier : input.identifiers()) {
            String value = identifier.value();
            if (identifier.isMedicalRecordNumber() && value != null) {
                value = value.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
            }
            output.addIdentifier(new Identifier(identifier.system(), value, identifier.type()));
        }
        return output.build();
    }
}
