package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.carehost.sdk.testkit.Imported;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a real container: the host's import path runs it before it stores. */
@CarehostTest
class ExampleTransformerIT {

    @Test
    void anImportedPatientIsStoredNormalisedAndItsSecondImportUpdatesIt(Carehost carehost, PatientService patients) {
        List<Imported> first = carehost.importResources(patient("ab-12 34"));
        assertEquals("CREATED", first.get(0).status(), first.toString());
        assertEquals("AB1234", patients.get(first.get(0).id()).identifiers().get(0).value());

        // Written differently, normalised alike: the same medical record number, so the same patient.
        List<Imported> second = carehost.importResources(patient("AB 1234"));
        assertEquals("UPDATED", second.get(0).status(), second.toString());
        assertEquals(first.get(0).id(), second.get(0).id());
    }

    private static String patient(String mrn) {
        return "{\"resourceType\":\"Patient\",\"name\":[{\"use\":\"official\",\"family\":\"Lovelace\",\"given\":[\"Ada\"]}],"
                + "\"birthDate\":\"1985-12-10\",\"identifier\":[{\"system\":\"urn:oid:1.2.3\",\"value\":\"" + mrn + "\","
                + "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]}}]}";
    }
}
