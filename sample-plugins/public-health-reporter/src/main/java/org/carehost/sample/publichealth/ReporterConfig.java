package org.carehost.sample.publichealth;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The reporter's configuration (PID {@code org.carehost.sample.publichealth.PublicHealthReporter}). */
@ObjectClassDefinition(name = "Carehost public health reporter",
        description = "Which conditions are reportable, and where the report files go.")
public @interface ReporterConfig {

    @AttributeDefinition(name = "Reportable conditions",
            description = "Condition names matched as whole words, in any case, in an appointment's reason.")
    String[] conditions() default {"measles", "tuberculosis", "pertussis", "hepatitis a"};

    @AttributeDefinition(name = "Report directory",
            description = "Where public-health-<yyyy-MM-dd>.jsonl files are appended; relative to the container's working directory.")
    String reportDirectory() default "data/plugins/org.carehost.sample.publichealth/reports";
}
