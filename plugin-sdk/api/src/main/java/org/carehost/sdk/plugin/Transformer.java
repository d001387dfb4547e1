package org.carehost.sdk.plugin;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns one representation into another (a local format into FHIR, a resource into a report line).
 * Register it as a service; it must not change its input. On the import path ({@code patient:import}) the host runs
 * every transformer whose input and output type are both {@code Patient.class} and whose plugin is enabled for the
 * tenant, by service ranking then service id, before the host's rules and the validators, in the import's care
 * context and within its deadline (kind {@code transformer}); one that throws, overruns or returns null fails the
 * import of that patient.
 */
@ConsumerType
public interface Transformer<I, O> {

    Class<I> inputType();

    Class<O> outputType();

    O transform(I input);
}
