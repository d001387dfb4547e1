package ${package};

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.carehost.sdk.plugin.Adapter;
import org.carehost.sdk.plugin.AdapterMessage;
import org.carehost.sdk.security.Permissions;
import org.carehost.sdk.security.RequiresPermissions;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Sends resources to an outside system: each one as FHIR JSON in an HTTP POST to the configured endpoint. Operators
 * send with {@code adapter:send <system> <resource>}, workflows with {@code AdapterService}; the host calls
 * {@link #send} within a deadline and keeps a failed send in its outbox to retry, so a send can arrive twice: the
 * {@code X-Send-Id} header lets the system drop repeats. Talking to the system needs {@code use:network}, which the
 * operator grants narrowed to its host ({@code grant plugin <name> use:network lab.example:443}).
 */
@RequiresPermissions(Permissions.USE_NETWORK)
@Component(service = Adapter.class, configurationPid = "${package}.ExampleAdapter")
@Designate(ocd = ExampleAdapter.Config.class)
public class ExampleAdapter implements Adapter {

    @ObjectClassDefinition(name = "${artifactId}")
    public @interface Config {
        /** The outside system's name, as senders name it. */
        String system() default "${artifactId}";

        /** Where to POST (e.g. https://lab.example/fhir); unset, the adapter is not available. */
        String endpoint() default "";
    }

    private final String system;
    private final String endpoint;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Activate
    public ExampleAdapter(Config config) {
        this.system = config.system();
        this.endpoint = config.endpoint();
    }

    @Override
    public String system() {
        return system;
    }

    @Override
    public boolean available() {
        return !endpoint.isBlank();
    }

    @Override
    public String send(AdapterMessage message) throws Exception {
        if (!available()) {
            throw new IllegalStateException(system + " has no endpoint configured");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/fhir+json")
                .header("X-Send-Id", message.sendId())
                .POST(HttpRequest.BodyPublishers.ofString(message.fhirJson()))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            // The host keeps the send and tries again later.
            throw new IllegalStateException(system + " answered HTTP " + response.statusCode());
        }
        return "HTTP " + response.statusCode();
    }
}
