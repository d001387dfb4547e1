package org.carehost.sdk.plugin;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns one representation into another (a local format into FHIR, a resource into a report line).
 * Register it as a service; it must not change its input.
 */
@ConsumerType
public interface Transformer<I, O> {

    Class<I> inputType();

    Class<O> outputType();

    O transform(I input);
}
