package org.carehost.context;

import java.util.List;
import java.util.Optional;

import org.carehost.sdk.context.CareContext;
import org.osgi.annotation.versioning.ProviderType;

/** Patients' consent directives, per tenant, and whether they refuse an access. */
@ProviderType
public interface Consents {

    /** Records a directive (again: no change). @throws IllegalArgumentException on invalid values */
    ConsentDirective add(String tenant, String patientId, ConsentDirective.Kind kind, String plugin, String by);

    /** Removes a directive; false when there was none. */
    boolean remove(String tenant, String patientId, ConsentDirective.Kind kind, String plugin);

    List<ConsentDirective> of(String tenant, String patientId);

    /**
     * Why the patient's directives refuse this access by {@code plugin} in {@code context}, or empty when they
     * allow it. Break-glass does not lift a research opt-out (research is never an emergency); the caller
     * decides whether an open break-glass grant lifts a plugin opt-out.
     */
    Optional<ConsentDirective> refusing(CareContext context, String plugin, String patientId);
}
