package org.carehost.http.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.carehost.audit.AuditLog;
import org.carehost.audit.FhirExport;
import org.carehost.context.Tenants;
import org.carehost.operators.Operator;
import org.carehost.operators.Role;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.resource.Page;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The audit trail over HTTP: a query with filters, the chain's verification, and a FHIR export. Auditors and admins
 * read every record (or one tenant's, with those made outside any tenant, with {@code tenant=}); a hospital-admin must
 * name one of their own tenants and reads only the records made in it ({@link AuditLog#queryTenantOnly}), not the
 * container's or other operators' records made outside any tenant.
 *
 * <p>Reading the trail is itself recorded in it, before the answer goes out: who read, in which tenant (if one was
 * named), with which filters and how many records came back; a verification and an export likewise.
 */
final class AuditEndpoints {

    /** Records of each break-glass access shown with it in the review; the rest are a query away. */
    static final int RECORDS_PER_GRANT = 20;
    /** Break-glass accesses shown per page, by default and at most: each costs one audit query. */
    static final int GRANTS_PER_PAGE = 50;
    static final int MAX_GRANTS_PER_PAGE = 200;
    static final String TOTAL_HEADER = "X-Total-Count";
    private static final EnumSet<Role> READERS = EnumSet.of(Role.AUDITOR, Role.HOSPITAL_ADMIN);
    private static final String FILTERS = "filters: tenant, patient, plugin, user, outcome, from, to (ISO-8601), "
            + "offset, limit (1-" + AuditQuery.MAX_LIMIT + ")";

    private final AuditLog log;
    private final FhirExport fhir;
    private final Tenants tenants;
    private final Audits audits;
    private final ObjectMapper json;
    private final org.carehost.context.BreakGlass breakGlass;
    private final java.time.Clock clock;

    AuditEndpoints(AuditLog log, FhirExport fhir, Tenants tenants, Audits audits, ObjectMapper json,
            org.carehost.context.BreakGlass breakGlass, java.time.Clock clock) {
        this.breakGlass = breakGlass;
        this.clock = clock;
        this.log = log;
        this.fhir = fhir;
        this.tenants = tenants;
        this.audits = audits;
        this.json = json;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", "/audit", false, READERS, "Audit records, newest first; " + FILTERS, this::query));
        routes.add(new Route("GET", "/audit/verify", false, EnumSet.of(Role.AUDITOR), "Checks the whole chain (every "
                + "tenant's) and every signed checkpoint; one check at a time, a caller meanwhile gets its result",
                this::verify));
        routes.add(new Route("GET", "/audit/export", false, READERS,
                "The records of a query as a FHIR R4 Bundle of AuditEvent resources; " + FILTERS, this::export));
        routes.add(new Route("GET", "/audit/breakglass", false, READERS, "Break-glass (emergency) accesses to review, "
                + "newest first, each with the first " + RECORDS_PER_GRANT + " audit records of its user and patient while "
                + "it was open (records, recordsTotal): ?hours= (1-8784, default 24), tenant (a hospital-admin names "
                + "one of theirs), offset (0) and limit (" + GRANTS_PER_PAGE + ", at most " + MAX_GRANTS_PER_PAGE
                + ") over the accesses; header " + TOTAL_HEADER + ": how many there are",
                this::breakGlass));
        return routes;
    }

    private Object query(Call call) throws Problems.Failure {
        Page<AuditRecord> page = page(call);
        recordRead(call, "audit.query", page);
        return page;
    }

    private Object export(Call call) throws Exception {
        Page<AuditRecord> page = page(call);
        Object bundle = json.readTree(fhir.bundle(page.items()));
        recordRead(call, "audit.export", page);
        return bundle;
    }

    private Object verify(Call call) {
        org.carehost.sdk.audit.Verification verification = log.verify();
        audits.record(call.operator(), null, AuditAction.EXECUTE, "audit.verify", "AuditEvent", null,
                "intact " + verification.intact() + ", " + verification.checked() + " records checked");
        return verification;
    }

    /** The read, in the trail: the filters as asked (never a patient's data), and how many records were shown. */
    private void recordRead(Call call, String operation, Page<AuditRecord> page) {
        StringBuilder filters = new StringBuilder();
        for (String name : new String[] {"tenant", "patient", "plugin", "user", "outcome", "from", "to", "offset",
            "limit"}) {
            String value = parameter(call, name);
            if (value != null) {
                filters.append(filters.length() == 0 ? "" : ", ").append(name).append('=')
                        .append(value.length() > 80 ? value.substring(0, 80) + "…" : value);
            }
        }
        audits.record(call.operator(), parameter(call, "tenant"), AuditAction.READ, operation, "AuditEvent",
                null, page.items().size() + " of " + page.total() + " records"
                        + (filters.length() == 0 ? "" : " (" + filters + ")"));
    }

    /** The break-glass accesses of the last hours (as audit:breakglass), in one tenant or all; the review is audited. */
    private Object breakGlass(Call call) throws Problems.Failure {
        int hours = number(call, "hours", 24);
        if (hours < 1 || hours > 24 * 366) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "hours must be 1 to " + 24 * 366 + ", not "
                    + hours);
        }
        String tenant = parameter(call, "tenant");
        Operator operator = call.operator();
        boolean readsAll = operator.isAdmin() || operator.has(Role.AUDITOR);
        if (!readsAll && tenant == null) {
            throw new Problems.Failure(400, "tenant-needed", "Tenant needed", "A hospital-admin names one of their "
                    + "tenants: ?tenant=" + String.join("|", operator.tenants()));
        }
        if (tenant != null && (!(readsAll || operator.administers(tenant)) || tenants.find(tenant).isEmpty())) {
            throw new Problems.Failure(404, "not-found", "Not found", "No tenant '" + tenant + "' whose break-glass "
                    + "accesses " + operator.name() + " may review");
        }
        int offset = number(call, "offset", 0);
        int limit = number(call, "limit", GRANTS_PER_PAGE);
        if (offset < 0 || limit < 1 || limit > MAX_GRANTS_PER_PAGE) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "offset must be 0 or more and limit 1 to "
                    + MAX_GRANTS_PER_PAGE + ", not " + offset + " and " + limit);
        }
        List<org.carehost.context.BreakGlassGrant> matching = breakGlass.since(clock.instant().minus(
                java.time.Duration.ofHours(hours))).stream()
                .filter(grant -> tenant == null || tenant.equals(grant.tenant())).toList();
        // one audit query per access shown: a page of them, never all of up to a year's
        List<java.util.Map<String, Object>> grants = new ArrayList<>();
        int shown = 0;
        for (org.carehost.context.BreakGlassGrant grant : matching.subList(Math.min(offset, matching.size()),
                Math.min(matching.size(), offset + limit))) {
            Page<AuditRecord> records = recordsOf(grant, readsAll);
            shown += records.items().size();
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("correlationId", grant.correlationId());
            row.put("tenant", grant.tenant());
            row.put("user", grant.user());
            row.put("patientId", grant.patientId());
            row.put("plugin", grant.plugin());
            row.put("reason", grant.reason());
            row.put("opened", grant.opened());
            row.put("expires", grant.expires());
            row.put("records", records.items());
            row.put("recordsTotal", records.total());
            grants.add(row);
        }
        call.response().setHeader(TOTAL_HEADER, String.valueOf(matching.size()));
        audits.record(operator, tenant, AuditAction.READ, "audit.breakglass", "AuditEvent", null, grants.size()
                + " of " + matching.size() + " break-glass accesses of the last " + hours + " h (offset " + offset
                + "), with " + shown + " of their records");
        return grants;
    }

    /**
     * The records of one break-glass access: its user's, about its patient, while it was open, in its tenant (for a
     * hospital-admin only the records made in it, as their trail shows), newest first, the first
     * {@link #RECORDS_PER_GRANT}.
     */
    private Page<AuditRecord> recordsOf(org.carehost.context.BreakGlassGrant grant, boolean readsAll) {
        AuditQuery query = new AuditQuery(grant.patientId(), null, grant.user(), null, grant.opened(), grant.expires(),
                0, RECORDS_PER_GRANT);
        if (grant.tenant() == null) {
            return log.query(query);
        }
        return readsAll ? log.query(query, grant.tenant()) : log.queryTenantOnly(query, grant.tenant());
    }

    private Page<AuditRecord> page(Call call) throws Problems.Failure {
        AuditQuery query = new AuditQuery(parameter(call, "patient"), parameter(call, "plugin"), parameter(call, "user"),
                outcome(parameter(call, "outcome")), instant(call, "from"), instant(call, "to"),
                number(call, "offset", 0), number(call, "limit", 50));
        String tenant = parameter(call, "tenant");
        Operator operator = call.operator();
        boolean readsAll = operator.isAdmin() || operator.has(Role.AUDITOR);
        if (!readsAll && tenant == null) {
            throw new Problems.Failure(400, "tenant-needed", "Tenant needed", "A hospital-admin names one of their "
                    + "tenants: ?tenant=" + String.join("|", operator.tenants()));
        }
        if (tenant == null) {
            return log.query(query);
        }
        if (!(readsAll || operator.administers(tenant)) || tenants.find(tenant).isEmpty()) {
            throw new Problems.Failure(404, "not-found", "Not found", "No tenant '" + tenant + "' whose trail "
                    + operator.name() + " may read");
        }
        return readsAll ? log.query(query, tenant) : log.queryTenantOnly(query, tenant);
    }

    private static String parameter(Call call, String name) {
        String value = call.request().getParameter(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static AuditOutcome outcome(String value) throws Problems.Failure {
        if (value == null) {
            return null;
        }
        try {
            return AuditOutcome.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "outcome must be one of "
                    + java.util.Arrays.toString(AuditOutcome.values()) + ", not '" + value + "'");
        }
    }

    private static Instant instant(Call call, String name) throws Problems.Failure {
        String value = parameter(call, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new Problems.Failure(400, "bad-request", "Bad request", name + " must be an ISO-8601 instant such as "
                    + "2026-01-31T08:00:00Z, not '" + value + "'");
        }
    }

    private static int number(Call call, String name, int otherwise) throws Problems.Failure {
        String value = parameter(call, name);
        if (value == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Problems.Failure(400, "bad-request", "Bad request", name + " must be a whole number, not '" + value + "'");
        }
    }
}
