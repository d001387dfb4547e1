package org.carehost.sdk.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.carehost.sdk.appointment.Appointment;
import org.carehost.sdk.appointment.AppointmentStatus;
import org.carehost.sdk.appointment.Participant;
import org.carehost.sdk.patient.Address;
import org.carehost.sdk.patient.ContactPoint;
import org.carehost.sdk.patient.Gender;
import org.carehost.sdk.patient.HumanName;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ValidationException;
import org.carehost.sdk.resource.ValidationIssue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads and writes FHIR R4 JSON for {@link Patient} and {@link Appointment}. Writing gives what a FHIR
 * server accepts; reading is strict about what it understands (a malformed date is a
 * {@link ValidationException} naming the path) and ignores elements this model does not carry.
 * Thread-safe.
 */
public final class FhirJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MR_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private FhirJson() {
    }

    public static String write(Patient patient) {
        return new String(writeBytes(patient), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The FHIR JSON of {@link #write(Patient)} as UTF-8 bytes, written straight from the model: no JSON tree and no
     * {@code String} in between (the WebAssembly host functions hand these bytes to a module as they are).
     *
     * @since 1.1
     */
    public static byte[] writeBytes(Patient patient) {
        return bytes(json -> {
            json.writeStartObject();
            json.writeStringField("resourceType", "Patient");
            meta(json, patient.id(), patient.versionId(), patient.lastUpdated());
            if (!patient.identifiers().isEmpty()) {
                json.writeArrayFieldStart("identifier");
                for (Identifier identifier : patient.identifiers()) {
                    json.writeStartObject();
                    if (identifier.type() != null) {
                        json.writeObjectFieldStart("type");
                        json.writeArrayFieldStart("coding");
                        json.writeStartObject();
                        json.writeStringField("system", MR_SYSTEM);
                        json.writeStringField("code", identifier.type());
                        json.writeEndObject();
                        json.writeEndArray();
                        json.writeEndObject();
                    }
                    fieldIfSet(json, "system", identifier.system());
                    fieldIfSet(json, "value", identifier.value());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            if (!patient.names().isEmpty()) {
                json.writeArrayFieldStart("name");
                for (HumanName name : patient.names()) {
                    json.writeStartObject();
                    fieldIfSet(json, "use", name.use());
                    fieldIfSet(json, "family", name.family());
                    strings(json, "given", name.given());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            if (!patient.telecom().isEmpty()) {
                json.writeArrayFieldStart("telecom");
                for (ContactPoint contact : patient.telecom()) {
                    json.writeStartObject();
                    fieldIfSet(json, "system", contact.system());
                    fieldIfSet(json, "value", contact.value());
                    fieldIfSet(json, "use", contact.use());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            if (patient.gender() != null) {
                json.writeStringField("gender", patient.gender().code());
            }
            if (patient.birthDate() != null) {
                json.writeStringField("birthDate", patient.birthDate().toString());
            }
            if (!patient.addresses().isEmpty()) {
                json.writeArrayFieldStart("address");
                for (Address address : patient.addresses()) {
                    json.writeStartObject();
                    strings(json, "line", address.line());
                    fieldIfSet(json, "city", address.city());
                    fieldIfSet(json, "state", address.state());
                    fieldIfSet(json, "postalCode", address.postalCode());
                    fieldIfSet(json, "country", address.country());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        });
    }

    /** What writes one resource. */
    private interface Writing {
        void to(JsonBytes json);
    }

    /** The UTF-8 bytes {@code writing} writes, with no JSON tree and no String in between. */
    private static byte[] bytes(Writing writing) {
        JsonBytes json = new JsonBytes(); // one per resource: no buffer holding a patient outlives the call
        writing.to(json);
        return json.toByteArray();
    }

    private static void meta(JsonBytes json, String id, long versionId, Instant lastUpdated) {
        fieldIfSet(json, "id", id);
        if (versionId > 0 || lastUpdated != null) {
            json.writeObjectFieldStart("meta");
            if (versionId > 0) {
                json.writeStringField("versionId", Long.toString(versionId));
            }
            if (lastUpdated != null) {
                json.writeInstantField("lastUpdated", lastUpdated);
            }
            json.writeEndObject();
        }
    }

    private static void fieldIfSet(JsonBytes json, String field, String value) {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    private static void strings(JsonBytes json, String field, List<String> values) {
        if (!values.isEmpty()) {
            json.writeArrayFieldStart(field);
            for (String value : values) {
                json.writeString(value);
            }
            json.writeEndArray();
        }
    }

    public static Patient readPatient(String text) {
        Reader reader = new Reader("Patient", text);
        JsonNode json = reader.root;
        Patient.Builder patient = Patient.builder();
        reader.meta(json, patient::id, patient::versionId, patient::lastUpdated);

        for (JsonNode node : json.path("identifier")) {
            String type = node.path("type").path("coding").path(0).path("code").asText(null);
            patient.addIdentifier(new Identifier(text(node, "system"), text(node, "value"), type));

        }
        for (JsonNode node : json.path("name")) {
            List<String> given = new ArrayList<>();
            node.path("given").forEach(g -> given.add(g.asText()));
            patient.addName(new HumanName(text(node, "use"), text(node, "family"), given));
        }
        for (JsonNode node : json.path("telecom")) {
            patient.addTelecom(new ContactPoint(text(node, "system"), text(node, "value"), text(node, "use")));
        }
        String gender = text(json, "gender");
        if (gender != null) {
            Gender parsed = Gender.ofCode(gender);
            if (parsed == null) {
                reader.problem("Patient.gender", "'" + gender + "' is not one of male, female, other, unknown");
            }
            patient.gender(parsed);
        }
        patient.birthDate(reader.parse("Patient.birthDate", text(json, "birthDate"), LocalDate::parse));
        for (JsonNode node : json.path("address")) {
            List<String> line = new ArrayList<>();
            node.path("line").forEach(l -> line.add(l.asText()));
            patient.addAddress(new Address(line, text(node, "city"), text(node, "state"), text(node, "postalCode"),
                    text(node, "country")));
        }
        reader.done();
        return patient.build();
    }

    public static String write(Appointment appointment) {
        return new String(writeBytes(appointment), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The FHIR JSON of {@link #write(Appointment)} as UTF-8 bytes, written straight from the model, as
     * {@link #writeBytes(Patient)}.
     *
     * @since 1.2
     */
    public static byte[] writeBytes(Appointment appointment) {
        return bytes(json -> {
            json.writeStartObject();
            json.writeStringField("resourceType", "Appointment");
            meta(json, appointment.id(), appointment.versionId(), appointment.lastUpdated());
            if (appointment.status() != null) {
                json.writeStringField("status", appointment.status().code());
            }
            if (appointment.cancelationReason() != null) {
                json.writeObjectFieldStart("cancelationReason");
                json.writeStringField("text", appointment.cancelationReason());
                json.writeEndObject();
            }
            if (appointment.reason() != null) {
                json.writeArrayFieldStart("reasonCode");
                json.writeStartObject();
                json.writeStringField("text", appointment.reason());
                json.writeEndObject();
                json.writeEndArray();
            }
            if (appointment.start() != null) {
                json.writeInstantField("start", appointment.start());
            }
            if (appointment.end() != null) {
                json.writeInstantField("end", appointment.end());
            }
            json.writeArrayFieldStart("participant");
            for (Participant participant : appointment.participants()) {
                json.writeStartObject();
                json.writeObjectFieldStart("actor");
                fieldIfSet(json, "reference", participant.actor());
                fieldIfSet(json, "display", participant.display());
                json.writeEndObject();
                json.writeStringField("status", participant.status() == null ? "needs-action" : participant.status());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    public static Appointment readAppointment(String text) {
        Reader reader = new Reader("Appointment", text);
        JsonNode json = reader.root;
        Appointment.Builder appointment = Appointment.builder();
        reader.meta(json, appointment::id, appointment::versionId, appointment::lastUpdated);
        String status = text(json, "status");
        if (status != null) {
            AppointmentStatus parsed = AppointmentStatus.ofCode(status);
            if (parsed == null) {
                reader.problem("Appointment.status", "'" + status + "' is not an appointment status");
            }
            appointment.status(parsed);
        }
        appointment.start(reader.parse("Appointment.start", text(json, "start"), Instant::parse));
        appointment.end(reader.parse("Appointment.end", text(json, "end"), Instant::parse));
        appointment.reason(text(json.path("reasonCode").path(0), "text"));
        appointment.cancelationReason(text(json.path("cancelationReason"), "text"));
        for (JsonNode node : json.path("participant")) {
            appointment.addParticipant(new Participant(text(node.path("actor"), "reference"),
                    text(node.path("actor"), "display"), text(node, "status")));
        }
        reader.done();
        return appointment.build();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Collects every problem of one document so that the caller hears them all at once. */
    private static final class Reader {
        final String type;
        final JsonNode root;
        final List<ValidationIssue> problems = new ArrayList<>();

        Reader(String type, String text) {
            this.type = type;
            if (text == null || text.isBlank()) {
                throw new ValidationException(type, List.of(ValidationIssue.error(type, "no JSON given")));
            }
            try {
                root = MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new ValidationException(type, List.of(ValidationIssue.error(type,
                        "not valid JSON: " + e.getOriginalMessage())));
            }
            if (!root.isObject() || !type.equals(root.path("resourceType").asText())) {
                throw new ValidationException(type, List.of(ValidationIssue.error(type + ".resourceType",
                        "expected a JSON object with resourceType \"" + type + "\"")));
            }
        }

        void meta(JsonNode json, java.util.function.Consumer<String> id, java.util.function.LongConsumer version,
                java.util.function.Consumer<Instant> lastUpdated) {
            id.accept(text(json, "id"));
            String versionId = text(json.path("meta"), "versionId");
            if (versionId != null) {
                try {
                    version.accept(Long.parseLong(versionId));
                } catch (NumberFormatException e) {
                    problem(type + ".meta.versionId", "'" + versionId + "' is not a version number");
                }
            }
            lastUpdated.accept(parse(type + ".meta.lastUpdated", text(json.path("meta"), "lastUpdated"), Instant::parse));
        }

        <T> T parse(String path, String value, Function<String, T> parser) {
            if (value == null) {
                return null;
            }
            try {
                return parser.apply(value);
            } catch (DateTimeParseException e) {
                problem(path, "'" + value + "' is not a valid date/time");
                return null;
            }
        }

        void problem(String path, String message) {
            problems.add(ValidationIssue.error(path, message));
        }

        void done() {
            if (!problems.isEmpty()) {
                throw new ValidationException(type, problems);
            }
        }
    }
}
