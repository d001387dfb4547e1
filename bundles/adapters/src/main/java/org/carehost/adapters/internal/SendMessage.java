package org.carehost.adapters.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A send as the outbox keeps it (sealed): the resource read when the send was asked, so that a retry sends what was
 * asked for, not what the resource has become since.
 */
record SendMessage(String system, String resourceType, String resourceId, String patientId, String fhirJson) {

    private static final ObjectMapper JSON = new ObjectMapper();

    String write() {
        return JSON.createObjectNode().put("system", system).put("resourceType", resourceType)
                .put("resourceId", resourceId).put("patientId", patientId).put("fhir", fhirJson).toString();
    }

    static SendMessage read(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return new SendMessage(node.path("system").asText(), node.path("resourceType").asText(),
                    node.path("resourceId").asText(), node.path("patientId").isNull() ? null
                            : node.path("patientId").asText(null), node.path("fhir").asText());
        } catch (IOException e) {
            throw new IllegalStateException("the stored send is not readable: " + e.getMessage(), e);
        }
    }
}
