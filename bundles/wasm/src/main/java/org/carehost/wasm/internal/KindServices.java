package org.carehost.wasm.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.plugin.Notification;
import org.carehost.sdk.plugin.Notifier;
import org.carehost.sdk.plugin.Transformer;
import org.carehost.sdk.plugin.Validator;
import org.carehost.sdk.resource.Severity;
import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Registers a WebAssembly plugin's kind as the SDK service a Java plugin of that kind registers, through the
 * plugin's own bundle context (so it is the plugin's service, found and driven by the host like a Java plugin's):
 * <ul>
 * <li>{@code validator}: {@link Validator} of Patient or Appointment; calls {@code validate} with the resource as
 * FHIR JSON, which returns {@code [{"severity":"error","path":...,"message":...}]} (or {@code {"issues":[...]}});
 * a call that fails is one error issue, so a broken validator never lets a resource through;</li>
 * <li>{@code transformer}: {@link Transformer} of the resource to itself; calls {@code transform} with FHIR JSON and
 * reads FHIR JSON back;</li>
 * <li>{@code notifier}: {@link Notifier} of {@code channel}; calls {@code notify} with
 * {@code {"recipient","subject","body"}}.</li>
 * </ul>
 */
final class KindServices {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KindServices() {
    }

    static List<ServiceRegistration<?>> register(WasmPlugin plugin, BundleContext context, Logger log) {
        List<ServiceRegistration<?>> registrations = new ArrayList<>();
        WasmDescriptor descriptor = plugin.descriptor();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("carehost.wasm.module", descriptor.path());
        String resource = descriptor.attribute("resource");
        if (resource != null) {
            properties.put("resource", resource);
        }
        switch (descriptor.kind()) {
            case VALIDATOR:
                registrations.add(context.registerService(Validator.class.getName(),
                        validator(plugin, resource), properties));
                break;
            case TRANSFORMER:
                registrations.add(context.registerService(Transformer.class.getName(),
                        transformer(plugin, resource), properties));
                break;
            case NOTIFIER:
                String channel = descriptor.attribute("channel") == null ? plugin.name()
                        : descriptor.attribute("channel");
                properties.put("channel", channel);
                registrations.add(context.registerService(Notifier.class.getName(),
                        new WasmNotifier(plugin, channel), properties));
                break;
            default:
                break;
        }
        return registrations;
    }

    private static Object validator(WasmPlugin plugin, String resource) {
        switch (resource.toLowerCase(Locale.ROOT)) {
            case "patient":
                return new WasmValidator<>(plugin, Patient.class, FhirJson::write);
            case "appointment":
                return new WasmValidator<>(plugin, Appointment.class, FhirJson::write);
            default:
                throw new IllegalArgumentException("resource=" + resource + ": a validator validates Patient or "
                        + "Appointment");
        }
    }

    private static Object transformer(WasmPlugin plugin, String resource) {
        switch (resource.toLowerCase(Locale.ROOT)) {
            case "patient":
                return new WasmTransformer<>(plugin, Patient.class, FhirJson::write, FhirJson::readPatient);
            case "appointment":
                return new WasmTransformer<>(plugin, Appointment.class, FhirJson::write, FhirJson::readAppointment);
            default:
                throw new IllegalArgumentException("resource=" + resource + ": a transformer transforms Patient or "
                        + "Appointment");
        }
    }

    static String call(WasmPlugin plugin, String function, String input) {
        return new String(plugin.call(function, input.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    static List<ValidationIssue> issues(String output, String resourceType) {
        List<ValidationIssue> issues = new ArrayList<>();
        try {
            JsonNode root = output.isBlank() ? JSON.createArrayNode() : JSON.readTree(output);
            JsonNode list = root.isArray() ? root : root.path("issues");
            for (JsonNode issue : list) {
                Severity severity = "warning".equalsIgnoreCase(issue.path("severity").asText())
                        ? Severity.WARNING : Severity.ERROR;
                issues.add(new ValidationIssue(severity, issue.path("path").asText(resourceType),
                        issue.path("message").asText("(no message)")));
            }
        } catch (java.io.IOException e) {
            issues.add(ValidationIssue.error(resourceType, "the validator returned no valid JSON: "
                    + e.getMessage()));
        }
        return issues;
    }

    static final class WasmValidator<T> implements Validator<T> {
        private final WasmPlugin plugin;
        private final Class<T> type;
        private final java.util.function.Function<T, String> writer;

        WasmValidator(WasmPlugin plugin, Class<T> type, java.util.function.Function<T, String> writer) {
            this.plugin = plugin;
            this.type = type;
            this.writer = writer;
        }

        @Override
        public Class<T> resourceType() {
            return type;
        }

        @Override
        public List<ValidationIssue> validate(T resource) {
            try {
                return issues(call(plugin, "validate", writer.apply(resource)), type.getSimpleName());
            } catch (WasmCallException e) {
                return List.of(ValidationIssue.error(type.getSimpleName(), "validator " + plugin.name()
                        + " failed: " + e.getMessage()));
            }
        }
    }

    static final class WasmTransformer<T> implements Transformer<T, T> {
        private final WasmPlugin plugin;
        private final Class<T> type;
        private final java.util.function.Function<T, String> writer;
        private final java.util.function.Function<String, T> reader;

        WasmTransformer(WasmPlugin plugin, Class<T> type, java.util.function.Function<T, String> writer,
                java.util.function.Function<String, T> reader) {
            this.plugin = plugin;
            this.type = type;
            this.writer = writer;
            this.reader = reader;
        }

        @Override
        public Class<T> inputType() {
            return type;
        }

        @Override
        public Class<T> outputType() {
            return type;
        }

        @Override
        public T transform(T input) {
            return reader.apply(call(plugin, "transform", writer.apply(input)));
        }
    }

    static final class WasmNotifier implements Notifier {
        private final WasmPlugin plugin;
        private final String channel;

        WasmNotifier(WasmPlugin plugin, String channel) {
            this.plugin = plugin;
            this.channel = channel;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public void send(Notification notification) {
            var node = JSON.createObjectNode().put("recipient", notification.recipient())
                    .put("subject", notification.subject()).put("body", notification.body());
            call(plugin, "notify", node.toString());
        }
    }
}
