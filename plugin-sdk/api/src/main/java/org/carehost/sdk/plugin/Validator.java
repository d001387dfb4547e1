package org.carehost.sdk.plugin;

import java.util.List;

import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks a resource and says what is wrong with it. Register one as a service (a DS component with
 * {@code service = Validator.class}). The host runs every validator of the resource type that is enabled for the
 * call's tenant before it stores a patient ({@code PatientService.create/update}) or an appointment
 * ({@code AppointmentService.schedule/reschedule}), ordered by service ranking then service id, in the call's care
 * context, each within its deadline; an issue of severity error rejects the write, warnings are returned with the
 * stored resource. {@link #resourceType()} is asked once per service.
 * Sample: {@code sample-plugins/patient-validator}.
 */
@ConsumerType
public interface Validator<T> {

    /**
     * Service property: whether the validator is required ({@code true}, the default: when it throws or overruns its
     * deadline, the write is rejected, "fail-closed") or advisory ({@code false}: the write goes through,
     * "fail-open"). The operator's policy file ({@code validation plugin <name> fail-open|fail-closed [tenant T]})
     * overrides it.
     *
     * @since 1.4
     */
    String REQUIRED = "carehost.validator.required";

    /** The type this validator checks, e.g. {@code Patient.class}. */
    Class<T> resourceType();

    /** Every issue found, each with severity and path; empty when the resource is fine. Never throws for bad input. */
    List<ValidationIssue> validate(T resource);
}
