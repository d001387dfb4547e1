package org.carehost.clinical;

import org.carehost.sdk.context.Purpose;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Minimum necessary by purpose of use for what leaves the host by other paths than reads, such as a notification's
 * text: the same rules a read follows (the clinical bundle's care rules), applied to a patient's values where they
 * appear in text. Container bundles only.
 *
 * @since 1.2
 */
@ProviderType
public interface PhiMinimum {

    /** What a withheld value is replaced by. */
    String WITHHELD = "[withheld]";

    /**
     * {@code text} with every value of the patient's record, and of the patient's appointments, that a read for
     * {@code purpose} would not show replaced by {@link #WITHHELD} (payment: appointment reasons; operations: also
     * phones, e-mail and postal addresses; research: names and identifiers), and, for research, the patient's id by
     * its pseudonym in the tenant. A value is matched whole, ignoring case, and with any run of white space where it
     * has one (a line break or two spaces for one space). Null is returned as it is. Text about a patient the tenant
     * does not have (ask {@link #hasPatient} first) is refused for a purpose that minimises, since nothing tells what to
     * withhold, and returned unchanged for any other.
     *
     * @throws org.carehost.sdk.resource.ResourceNotFoundException for a purpose that minimises and a patient the
     *         tenant does not have (one erased since {@link #hasPatient} answered, say)
     */
    String minimise(String tenant, Purpose purpose, String patientId, String text);

    /**
     * Whether reads for {@code purpose} minimise what they show (payment, operations, research): text sent for it that
     * is not about one known patient cannot be minimised, and should not leave.
     *
     * @since 1.3
     */
    boolean minimises(Purpose purpose);

    /**
     * Whether {@code patientId} is a patient of {@code tenant}: text about any other patient (of another tenant, or
     * none) cannot be minimised, and must not leave in the tenant's name.
     *
     * @since 1.4
     */
    boolean hasPatient(String tenant, String patientId);

    /** The patient's id as a read for {@code purpose} shows it: the id, or for research its pseudonym in the tenant. */
    String reference(String tenant, Purpose purpose, String patientId);
}
