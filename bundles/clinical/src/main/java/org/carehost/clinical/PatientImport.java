package org.carehost.clinical;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Imports patients from FHIR R4 JSON in the caller's care context (the shell's {@code patient:import}). A document is
 * a {@code Patient}, or a {@code Bundle} of them: a {@code transaction} Bundle is stored all or nothing, a
 * {@code batch} Bundle entry by entry. Each patient passes the tenant's enabled transformers (in ranking order), then
 * the host's rules and its validators, before it is stored; a patient whose medical record number (identifier of type
 * {@code MR}, same system and value) matches a stored patient of the tenant replaces that patient (a new version), it
 * is not a second one. Every stored patient and every refusal is audited.
 *
 * @since 1.1
 */
@ProviderType
public interface PatientImport {

    /**
     * Imports one document; never throws for what is in it: every problem (not JSON, an unknown resource type, a
     * rejected patient) is an outcome naming the problem.
     *
     * @param source what the document is called in outcomes (a file name)
     * @param json the document
     * @return one outcome per patient (per Bundle entry), or one for a document that could not be read
     */
    List<ImportOutcome> importJson(String source, String json);
}
