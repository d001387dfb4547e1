package org.carehost.wasm.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentQuery;
import org.carehost.sdk.appointment.AppointmentService;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditEntry;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.AuditService;
import org.carehost.sdk.data.PluginDataQuotaException;
import org.carehost.sdk.data.PluginDataService;
import org.carehost.sdk.data.PluginDocument;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.patient.PatientQuery;
import org.carehost.sdk.patient.PatientService;
import org.carehost.sdk.resource.Page;
import org.carehost.sdk.resource.ResourceNotFoundException;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.VersionConflictException;
import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.sdk.security.QuotaExceededException;
import org.extism.sdk.chicory.CurrentPlugin;
import org.extism.sdk.chicory.ExtismHostFunction;
import org.extism.sdk.chicory.ExtismValType;
import org.osgi.service.log.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code carehost} host functions of one instance. Each takes the offset of an Extism memory block and returns
 * the offset of a new one:
 * <ul>
 * <li>{@code patient_get} (text: an id) and {@code appointment_get}: the resource as FHIR JSON;</li>
 * <li>{@code patient_search} ({@code {"name","birthDate","identifier","offset","limit"}}) and
 * {@code appointment_search} ({@code {"patient","from","to","offset","limit"}}):
 * {@code {"total":n,"offset":o,"items":[FHIR JSON...]}};</li>
 * <li>{@code audit_record} ({@code {"action":"READ","operation","resourceType","resourceId","patientId","outcome",
 * "detail"}}): {@code {"sequence":n}};</li>
 * <li>{@code data_get} (text: a key): {@code {"key","version","document"}}, or offset 0 when the plugin keeps no
 * document under it; {@code data_put} ({@code {"key","document","expectedVersion"}}, 0 for a new document):
 * {@code {"key","version"}}; {@code data_delete} ({@code {"key","expectedVersion"}}): {@code {"deleted":bool}};
 * {@code data_keys} ({@code {"prefix","limit"}}): {@code {"keys":[...]}} — the plugin's own documents in the call's
 * tenant ({@link PluginDataService}), a stale version answered with kind {@code conflict};</li>
 * <li>{@code config_get} (text: a key): the value as text, or offset 0 when there is none;</li>
 * <li>{@code log} (text): written to the plugin's log; returns 0.</li>
 * </ul>
 * A call that fails returns
 * {@code {"error":{"kind":"denied|quota|not-found|invalid|conflict|too-large|failed","message":...}}}
 * instead, so the module can handle it. Every call goes through the host service the plugin's own bundle context
 * gives it ({@link PluginServices}): the same permission checks, care context, minimisation, consent, quotas and
 * audit as a Java plugin's call.
 */
final class CarehostFunctions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PluginServices services;
    private final InstanceSlot slot;
    private final Limits limits;
    private final Logger log;
    private final Map<String, String> config;

    CarehostFunctions(PluginServices services, InstanceSlot slot, Limits limits, Logger log,
            Map<String, String> config) {
        this.services = services;
        this.slot = slot;
        this.limits = limits;
        this.log = log;
        this.config = config;
    }

    ExtismHostFunction[] all() {
        List<ExtismHostFunction> all = new ArrayList<>();
        all.add(bytes("patient_get", input -> FhirJson.writeBytes(patients().get(text(input)))));
        all.add(function("patient_search", input -> patientPage(patients().search(patientQuery(json(input))))));
        all.add(bytes("appointment_get", input -> FhirJson.writeBytes(appointments().get(text(input)))));
        all.add(function("appointment_search",
                input -> appointmentPage(appointments().search(appointmentQuery(json(input))))));
        all.add(function("audit_record", input -> {
            AuditRecord record = services.get(AuditService.class).record(auditEntry(json(input)));
            return "{\"sequence\":" + record.sequence() + "}";
        }));
        all.add(function("data_get", input -> data().get(text(input)).map(CarehostFunctions::document).orElse(null)));
        all.add(function("data_put", input -> {
            JsonNode request = json(input);
            JsonNode document = request.get("document");
            if (document == null || !document.isContainerNode()) {
                throw new IllegalArgumentException("data_put needs \"document\", a JSON object or array");
            }
            PluginDocument stored = data().put(required(request, "key"), document.toString(),
                    longNumber(request, "expectedVersion"));
            return JSON.createObjectNode().put("key", stored.key()).put("version", stored.version()).toString();
        }));
        all.add(function("data_delete", input -> {
            JsonNode request = json(input);
            boolean deleted = data().delete(required(request, "key"), longNumber(request, "expectedVersion"));
            return JSON.createObjectNode().put("deleted", deleted).toString();
        }));
        all.add(function("data_keys", input -> {
            JsonNode request = json(input);
            String prefix = string(request, "prefix");
            ObjectNode root = JSON.createObjectNode();
            ArrayNode keys = root.putArray("keys");
            data().keys(prefix == null ? "" : prefix, number(request, "limit", 100)).forEach(keys::add);
            return root.toString();
        }));
        all.add(function("config_get", input -> config.get(text(input))));
        all.add(function("log", input -> {
            log.info("{}", text(input));
            return null;
        }));
        return all.toArray(new ExtismHostFunction[0]);
    }

    private PatientService patients() {
        return services.get(PatientService.class);
    }

    private PluginDataService data() {
        return services.get(PluginDataService.class);
    }

    private static String document(PluginDocument document) {
        ObjectNode root = JSON.createObjectNode().put("key", document.key()).put("version", document.version());
        try {
            root.set("document", JSON.readTree(document.json()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored document is not JSON", e);
        }
        return root.toString();
    }

    private AppointmentService appointments() {
        return services.get(AppointmentService.class);
    }

    private ExtismHostFunction function(String name, Function<byte[], String> body) {
        return bytes(name, input -> utf8(body.apply(input)));
    }

    /** A host function whose body answers bytes (FHIR JSON written straight to bytes), copied once into the module. */
    private ExtismHostFunction bytes(String name, Function<byte[], byte[]> body) {
        return ExtismHostFunction.of(HostApi.MODULE, name, (plugin, args, results) -> {
            slot.enterHost();
            try {
                byte[] output = call(name, plugin, args.getLong(0), body);
                results.setLong(0, output == null ? 0 : plugin.memory().writeBytes(output));
            } finally {
                slot.leaveHost();
            }
        }, List.of(ExtismValType.I64), List.of(ExtismValType.I64));
    }

    private static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] call(String name, CurrentPlugin plugin, long offset, Function<byte[], byte[]> body) {
        byte[] input;
        if (offset == 0) {
            input = new byte[0];
        } else {
            long length = plugin.memory().length(offset);
            if (length > limits.maxInputBytes()) {
                return utf8(error("too-large", name + " was given " + length + " bytes; at most "
                        + limits.maxInputBytes() + " are accepted"));
            }
            // the length is known: read the bytes straight, not through readBytes, which asks the kernel again
            input = plugin.memory().memory().readBytes((int) offset, (int) length);
        }
        try {
            return body.apply(input);
        } catch (PermissionDeniedException e) {
            return utf8(error("denied", e.getMessage()));
        } catch (QuotaExceededException e) {
            return utf8(error("quota", e.getMessage()));
        } catch (PluginDataQuotaException e) {
            return utf8(error("quota", e.getMessage()));
        } catch (VersionConflictException e) {
            return utf8(error("conflict", e.getMessage()));
        } catch (ResourceNotFoundException e) {
            return utf8(error("not-found", e.getMessage()));
        } catch (ValidationException | IllegalArgumentException | java.time.DateTimeException e) {
            return utf8(error("invalid", name + ": " + e.getMessage()));
        } catch (ServiceMissing e) {
            return utf8(error("denied", e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("Host function {} failed: {}", name, e.toString());
            return utf8(error("failed", name + " failed: " + e.getClass().getSimpleName()));
        }
    }

    static String error(String kind, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("kind", kind).put("message", String.valueOf(message));
        return root.toString();
    }

    private static String text(byte[] input) {
        return new String(input, StandardCharsets.UTF_8).trim();
    }

    private static JsonNode json(byte[] input) {
        try {
            JsonNode node = JSON.readTree(input.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : input);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable input: " + e.getMessage());
        }
    }

    private static String string(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String required(JsonNode node, String field) {
        String value = string(node, field);
        if (value == null) {
            throw new IllegalArgumentException("\"" + field + "\" is required");
        }
        return value;
    }

    private static long longNumber(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a whole number (0 for a new document)");
        }
        return value.asLong();
    }

    private static int number(JsonNode node, String field, int fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt()) {
            throw new IllegalArgumentException(field + " must be a whole number");
        }
        return value.asInt();
    }

    private static PatientQuery patientQuery(JsonNode query) {
        String birthDate = string(query, "birthDate");
        return PatientQuery.builder().name(string(query, "name"))
                .birthDate(birthDate == null ? null : LocalDate.parse(birthDate))
                .identifier(string(query, "identifier"))
                .page(number(query, "offset", 0), number(query, "limit", PatientQuery.DEFAULT_LIMIT)).build();
    }

    private static AppointmentQuery appointmentQuery(JsonNode query) {
        String from = string(query, "from");
        String to = string(query, "to");
        return new AppointmentQuery(string(query, "patient"), from == null ? null : Instant.parse(from),
                to == null ? null : Instant.parse(to), number(query, "offset", 0),
                number(query, "limit", AppointmentQuery.DEFAULT_LIMIT));
    }

    private static AuditEntry auditEntry(JsonNode entry) {
        String action = string(entry, "action");
        String outcome = string(entry, "outcome");
        String operation = string(entry, "operation");
        if (action == null || operation == null) {
            throw new IllegalArgumentException("an audit entry needs action (CREATE, READ, UPDATE, DELETE, EXECUTE) "
                    + "and operation");
        }
        return new AuditEntry(AuditAction.valueOf(action), operation, string(entry, "resourceType"),
                string(entry, "resourceId"), string(entry, "patientId"),
                outcome == null ? AuditOutcome.SUCCESS : AuditOutcome.valueOf(outcome), string(entry, "detail"));
    }

    private static String patientPage(Page<Patient> page) {
        return page(page, FhirJson::write);
    }

    private static String appointmentPage(Page<Appointment> page) {
        return page(page, FhirJson::write);
    }

    private static <T> String page(Page<T> page, Function<T, String> writer) {
        ObjectNode root = JSON.createObjectNode();
        root.put("total", page.total()).put("offset", page.offset());
        ArrayNode items = root.putArray("items");
        for (T item : page.items()) {
            try {
                items.add(JSON.readTree(writer.apply(item)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return root.toString();
    }

    /** The plugin's bundle context does not show it the service: it holds no permission for it now. */
    static final class ServiceMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServiceMissing(String message) {
            super(message);
        }
    }
}
