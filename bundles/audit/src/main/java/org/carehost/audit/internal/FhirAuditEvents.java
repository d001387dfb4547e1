package org.carehost.audit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.carehost.audit.FhirExport;
import org.carehost.sdk.audit.AuditRecord;
import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Audit records as FHIR R4 {@code AuditEvent} resources, in the shapes of IHE Basic Audit Log Patterns
 * (Read, Query, Create, Update): type {@code rest} with the RESTful interaction as subtype, the plugin as
 * requesting agent, the container node as source, and entities for the patient, the resource and the query.
 */
@Component
public final class FhirAuditEvents implements FhirExport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";

    @Override
    public String bundle(List<AuditRecord> records) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("resourceType", "Bundle");
        bundle.put("type", "collection");
        bundle.put("total", records.size());
        ArrayNode entries = bundle.putArray("entry");
        for (AuditRecord record : records) {
            entries.addObject().set("resource", toFhir(record));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bundle);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("The FHIR Bundle could not be written: " + e.getMessage(), e);
        }
    }

    static ObjectNode toFhir(AuditRecord record) {
        ObjectNode event = JSON.createObjectNode();
        event.put("resourceType", "AuditEvent");
        event.put("id", Long.toString(record.sequence()));
        coding(event.putObject("type"), "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest",
                "RESTful Operation");
        coding(event.putArray("subtype").addObject(), "http://hl7.org/fhir/restful-interaction",
                interaction(record), null);
        event.put("action", record.action().code());
        event.put("recorded", record.recorded().toString());
        event.put("outcome", record.outcome().fhirCode());
        if (record.reason() != null) {
            event.put("outcomeDesc", record.reason());
        }
        if (record.purposeOfUse() != null) {
            coding(event.putArray("purposeOfEvent").addObject().putArray("coding").addObject(),
                    "http://terminology.hl7.org/CodeSystem/v3-ActReason", record.purposeOfUse(), null);
        }
        ArrayNode agents = event.putArray("agent");
        ObjectNode plugin = agents.addObject();
        coding(plugin.putObject("type").putArray("coding").addObject(), DCM, "110150", "Application");
        plugin.putObject("who").put("display", record.plugin() + (record.pluginVersion() == null ? "" : " " + record.pluginVersion()));
        plugin.put("requestor", record.user() == null);
        if (record.user() != null) {
            ObjectNode user = agents.addObject();
            coding(user.putObject("type").putArray("coding").addObject(), DCM, "110153", "Source Role ID");
            user.putObject("who").putObject("identifier").put("value", record.user());
            if (record.roles() != null && !record.roles().isEmpty()) {
                ArrayNode roles = user.putArray("role");
                for (String role : record.roles().split(",")) {
                    roles.addObject().put("text", role);
                }
            }
            if (record.breakGlass() != null) {
                // Break-glass: the policy the user invoked, and the reason given, for reviewers to find.
                user.putArray("policy").add("urn:carehost:policy:break-glass");
                user.putArray("purposeOfUse").addObject().put("text", "break-glass: " + record.breakGlass());
            }
            user.put("requestor", true);
        }
        ObjectNode source = event.putObject("source");
        source.put("site", record.node());
        source.putObject("observer").put("display", "Carehost " + record.node());
        coding(source.putArray("type").addObject(), "http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                "Application Server");
        ArrayNode entities = event.putArray("entity");
        if (record.patientId() != null) {
            ObjectNode patient = entities.addObject();
            patient.putObject("what").put("reference", "Patient/" + record.patientId());
            coding(patient.putObject("type"), ENTITY_TYPE, "1", "Person");
            coding(patient.putObject("role"), OBJECT_ROLE, "1", "Patient");
        }
        if (record.resourceType() != null && record.resourceId() != null
                && !("Patient".equals(record.resourceType()) && record.resourceId().equals(record.patientId()))) {
            ObjectNode resource = entities.addObject();
            resource.putObject("what").put("reference", record.resourceType() + "/" + record.resourceId());
            coding(resource.putObject("type"), ENTITY_TYPE, "2", "System Object");
            coding(resource.putObject("role"), OBJECT_ROLE, "4", "Domain Resource");
        }
        if (record.query() != null) {
            ObjectNode query = entities.addObject();
            coding(query.putObject("type"), ENTITY_TYPE, "2", "System Object");
            coding(query.putObject("role"), OBJECT_ROLE, "24", "Query");
            query.put("query", Base64.getEncoder().encodeToString(record.query().getBytes(StandardCharsets.UTF_8)));
        }
        ObjectNode chain = event.putArray("extension").addObject();
        chain.put("url", "urn:carehost:audit:chain");
        chain.put("valueString", record.previousHash() + " " + record.hash());
        return event;
    }

    private static String interaction(AuditRecord record) {
        switch (record.action()) {
            case CREATE: return "create";
            case READ: return "read";
            case UPDATE: return "update";
            case DELETE: return "delete";
            default: return record.query() != null ? "search-type" : "operation";
        }
    }

    private static void coding(ObjectNode node, String system, String code, String display) {
        node.put("system", system);
        node.put("code", code);
        if (display != null) {
            node.put("display", display);
        }
    }
}
