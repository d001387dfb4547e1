package org.carehost.sample.registryadapter;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The adapter's configuration (PID {@code org.carehost.sample.registryadapter.RegistryAdapter}). */
@ObjectClassDefinition(name = "Carehost registry adapter",
        description = "Which registry it speaks to, and the folder the registry picks files up from.")
public @interface RegistryAdapterConfig {

    @AttributeDefinition(name = "System", description = "The registry's name, as adapter:send and AdapterService name it.")
    String system() default "immunization-registry";

    @AttributeDefinition(name = "Drop directory",
            description = "Where <send id>.json files are written for the registry to pick up; relative to the container's working directory.")
    String dropDirectory() default "data/plugins/org.carehost.sample.registryadapter/outbound";
}
