package org.carehost.context.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(id = "org.carehost.context", name = "Carehost care context",
        description = "How host-service calls without a care context are treated, and how long break-glass lasts.")
@interface ContextConfiguration {

    @AttributeDefinition(description = "Purpose of use of a call no care context was bound to (a plugin acting on its "
            + "own, in the default tenant); 'refuse' refuses such calls, as a multi-hospital install should",
            options = { @Option(value = "treatment"), @Option(value = "payment"), @Option(value = "operations"),
                    @Option(value = "research"), @Option(value = "refuse") })
    String unboundPurpose() default "treatment";

    @AttributeDefinition(min = "1", max = "86400", description = "How long a break-glass (emergency) declaration "
            + "lasts, in seconds")
    int breakGlassSeconds() default 3600;
}
