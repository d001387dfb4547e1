package org.carehost.sample.registryadapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.carehost.sdk.adapter.AdapterSend;
import org.carehost.sdk.adapter.AdapterService;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a container: the host sends a patient through it, and the registry's folder gets the file. */
@CarehostTest
class RegistryAdapterIT {

    @Test
    void aPatientSentThroughTheHostLandsInTheDropFolder(Carehost carehost, PatientService patients) throws Exception {
        Path drop = carehost.pluginFolder().resolve("outbound"); // its own folder: the one use:files reaches
        carehost.configure("org.carehost.sample.registryadapter.RegistryAdapter",
                Map.of("dropDirectory", drop.toString(), "system", "test-registry"));
        AdapterService adapters = carehost.service(AdapterService.class); // configure returned: the adapter is up
        assertTrue(adapters.adapters().stream().anyMatch(a -> a.system().equals("test-registry")
                && Boolean.TRUE.equals(a.available())), "the configured adapter is up: " + adapters.adapters());

        Patient patient = patients.search(PatientQuery.builder().build()).items().get(0);
        AdapterSend send = adapters.send("test-registry", patient.id());
        assertEquals(AdapterSend.Status.SENT, send.status(), String.valueOf(send.error()));
        assertEquals(send.id() + ".json", send.receipt());
        String dropped = Files.readString(drop.resolve(send.receipt()));
        assertTrue(dropped.contains("\"resourceType\":\"Patient\"") && dropped.contains(patient.id()), dropped);
    }
}
