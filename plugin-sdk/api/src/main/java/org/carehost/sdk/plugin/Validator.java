package org.carehost.sdk.plugin;

import java.util.List;

import org.carehost.sdk.resource.ValidationIssue;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks a resource and says what is wrong with it. Register one as a service (a DS component with
 * {@code service = Validator.class}); callers find validators by {@link #resourceType()}.
 * Sample: {@code sample-plugins/patient-validator}.
 */
@ConsumerType
public interface Validator<T> {

    /** The type this validator checks, e.g. {@code Patient.class}. */
    Class<T> resourceType();

    /** Every issue found, each with severity and path; empty when the resource is fine. Never throws for bad input. */
    List<ValidationIssue> validate(T resource);
}
