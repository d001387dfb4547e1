package org.carehost.audit.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The audit trail's settings ({@code etc/org.carehost.audit.cfg}). A setting the configuration does not give (a path
 * left empty, a number not set) falls back to the framework property {@code carehost.audit.<key>} (how the tests and
 * the test kit place the files, and what the security manager reads to keep plugins out of those folders), then to
 * the default. The numbers have no default here on purpose: bnd would write a default into the component's
 * properties, and the fallback to the framework property could not tell it from a configured value.
 */
@ObjectClassDefinition(id = AuditConfiguration.PID, name = "Carehost audit trail",
        description = "Where the audit trail keeps its files, how long records stay in the database, how often the"
                + " head is signed. Neither readable nor writable by plugins.")
@interface AuditConfiguration {

    String PID = "org.carehost.audit";

    @AttributeDefinition(required = false, min = "0", description = "Records older than this many days are archived"
            + " and removed from the database (daily, and on audit:archive); 0 archives everything. Unset: the framework"
            + " property carehost.audit.retention.days, else 2190 (six years).")
    long retention_days();

    @AttributeDefinition(required = false, min = "1", description = "Minutes between signed checkpoints of the chain"
            + " head (only when records were added). Unset: carehost.audit.checkpoint.minutes, else 10.")
    long checkpoint_minutes();

    @AttributeDefinition(required = false, min = "1", description = "H2 only: how many records the database copy may"
            + " fall behind the journal before callers wait for it. Unset: carehost.audit.index.maxLag, else 20000.")
    long index_maxLag();

    @AttributeDefinition(required = false, description = "The Ed25519 key that signs checkpoints (made on the first"
            + " start). Empty: carehost.audit.keyfile, else etc/security/audit-signing.key.")
    String keyfile() default "";

    @AttributeDefinition(required = false, description = "Folder of signed checkpoints. Empty: "
            + "carehost.audit.checkpoints, else data/audit/checkpoints.")
    String checkpoints() default "";

    @AttributeDefinition(required = false, description = "H2 only: folder of the write-ahead journal. Empty: "
            + "carehost.audit.journal, else data/audit/journal.")
    String journal() default "";

    @AttributeDefinition(required = false, description = "Folder of archived records. Empty: carehost.audit.archive,"
            + " else data/audit/archive.")
    String archive() default "";
}
