package org.carehost.operators.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.carehost.operators", name = "Carehost operator logins",
        description = "Lockout after failed logins, and which roles need a second factor (TOTP) to log in with a password.")
@interface OperatorsConfiguration {

    @AttributeDefinition(min = "1", max = "100", description = "Failed logins of one account, in a row, after "
            + "which it is locked")
    int maxFailures() default 5;

    @AttributeDefinition(min = "1", max = "1000", description = "Failed logins from one address within the lockout "
            + "period (a sliding window) after which password logins from that address are refused for the lockout "
            + "period (SSH keys and API tokens still log in); counted in the store, so on every node sharing it")
    int sourceMaxFailures() default 20;

    @AttributeDefinition(min = "1", max = "86400", description = "How long a locked account or address stays "
            + "locked, in seconds")
    int lockoutSeconds() default 900;

    @AttributeDefinition(description = "Roles that need a second factor for a password login, comma-separated "
            + "(seed 003: everyone who reaches PHI). Keys and API tokens are possession factors of their own.")
    String secondFactorRoles() default "admin,hospital-admin,auditor";

    @AttributeDefinition(min = "1", max = "720", description = "How long a browser session (a console or API login "
            + "with the session cookie) lasts at most, in hours, however active it is; then the operator logs in again")
    int sessionLifetimeHours() default 12;

    @AttributeDefinition(min = "1", max = "10000", description = "Refusals from one address (failed logins, HTTP 401 "
            + "and 403) written to the audit trail one by one per window; the rest are counted into one summary record")
    int refusalsPerAddress() default 10;

    @AttributeDefinition(min = "1", max = "3600", description = "The window of refusalsPerAddress, in seconds; its "
            + "summary record is written when it ends")
    int refusalWindowSeconds() default 60;
}
