package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.carehost.sdk.adapter.AdapterSend;
import org.carehost.sdk.adapter.AdapterService;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.testkit.Carehost;
import org.carehost.sdk.testkit.CarehostTest;
import org.junit.jupiter.api.Test;

/** The packaged plugin in a real container: the host sends a patient through it to a system on loopback. */
@CarehostTest
class ExampleAdapterIT {

    @Test
    void aPatientSentThroughTheHostArrivesAsFhirJson(Carehost carehost, PatientService patients) throws IOException {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer system = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        system.createContext("/fhir", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        system.start();
        try {
            carehost.configure("${package}.ExampleAdapter", Map.of("system", "test-lab",
                    "endpoint", "http://127.0.0.1:" + system.getAddress().getPort() + "/fhir"));
            Patient patient = patients.search(PatientQuery.builder().build()).items().get(0);
            AdapterSend send = carehost.service(AdapterService.class).send("test-lab", patient.id());
            assertEquals(AdapterSend.Status.SENT, send.status(), String.valueOf(send.error()));
            assertEquals(1, received.size());
            assertTrue(received.get(0).contains("\"resourceType\":\"Patient\"") && received.get(0).contains(patient.id()),
                    received.get(0));
        } finally {
            system.stop(0);
        }
    }
}
