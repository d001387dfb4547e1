package org.carehost.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.shell.CommandArguments;
import org.carehost.audit.AuditLog;
import org.carehost.audit.FhirExport;
import org.carehost.context.ContextBinder;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.sdk.audit.AuditQuery;
import org.carehost.sdk.audit.AuditRecord;
import org.carehost.sdk.audit.Verification;
import org.carehost.sdk.resource.Page;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code audit:} scope: read, check and export the audit trail. Reading it is itself audited, as over HTTP and with
 * the same operations ({@code audit.query}, {@code audit.export}: READ with the filters and how many records were
 * shown; {@code audit.verify}: EXECUTE with the result), under the session's operator (the SSH user, or the local
 * console's OS user or logged-in account), written after the read so that the answer does not show its own record.
 */
@Component(service = AuditCommands.class, property = {
        "osgi.command.scope=audit",
        "osgi.command.function=tail",
        "osgi.command.function=query",
        "osgi.command.function=verify",
        "osgi.command.function=export",
        "osgi.command.function=checkpoint",
        "osgi.command.function=archive"
})
public final class AuditCommands {

    private static final String NONE = "";

    private final AuditLog audit;
    private final FhirExport fhir;
    private final ContextBinder binder;

    @Activate
    public AuditCommands(@Reference AuditLog audit, @Reference FhirExport fhir, @Reference ContextBinder binder) {
        this.audit = audit;
        this.fhir = fhir;
        this.binder = binder;
    }

    @Descriptor("the newest 20 audit records, newest first")
    public String tail() {
        return tail(20L);
    }

    @Descriptor("the newest audit records, newest first")
    public String tail(@Descriptor("how many, 1-1000") long number) {
        int count = CommandArguments.intIn("the number of records", number, 1, 1000);
        Page<AuditRecord> page = audit.query(AuditQuery.latest(count));
        recordRead("audit.query", page, "tail " + count);
        return Text.auditTable(page);
    }

    /** {@code audit:tail -n 50}, as earlier versions wrote it. */
    @Descriptor("the newest audit records, newest first")
    public String tail(@Descriptor("-n") String option, @Descriptor("how many, 1-1000") long count) {
        if (!"-n".equals(option)) {
            throw new IllegalArgumentException("Unknown option " + option + ": audit:tail [n] or audit:tail -n <n>");
        }
        return tail(count);
    }

    @Descriptor("audit records matching every criterion given, newest first")
    public String query(
            @Descriptor("patient id") @Parameter(names = {"-p", "--patient"}, absentValue = NONE) String patient,
            @Descriptor("plugin symbolic name") @Parameter(names = {"--plugin"}, absentValue = NONE) String plugin,
            @Descriptor("acting user") @Parameter(names = {"-u", "--user"}, absentValue = NONE) String user,
            @Descriptor("success, denied or error") @Parameter(names = {"-o", "--outcome"}, absentValue = NONE) String outcome,
            @Descriptor("from, ISO-8601 instant") @Parameter(names = {"-f", "--from"}, absentValue = NONE) String from,
            @Descriptor("to (exclusive), ISO-8601 instant") @Parameter(names = {"-t", "--to"}, absentValue = NONE) String to,
            @Descriptor("page size, 1-1000") @Parameter(names = {"-l", "--limit"}, absentValue = "50") long pageSize,
            @Descriptor("index of the first result") @Parameter(names = {"--offset"}, absentValue = "0") long first) {
        int limit = CommandArguments.intIn("--limit", pageSize, 1, 1000);
        int offset = CommandArguments.intIn("--offset", first, 0, Integer.MAX_VALUE);
        Page<AuditRecord> page = audit.query(new AuditQuery(blankToNull(patient), blankToNull(plugin), blankToNull(user),
                outcome(outcome), instant("--from", from), instant("--to", to), offset, limit));
        recordRead("audit.query", page, filters("patient", patient, "plugin", plugin, "user", user, "outcome", outcome,
                "from", from, "to", to, "offset", offset == 0 ? "" : String.valueOf(offset), "limit",
                String.valueOf(limit)));
        return Text.auditTable(page);
    }

    @Descriptor("check the whole hash chain; names the first changed, deleted, inserted or reordered record")
    public String verify() {
        Verification result = audit.verify();
        ActingOperator.audit(audit, binder, AuditAction.EXECUTE, "audit.verify", "AuditEvent", null, null,
                "intact " + result.intact() + ", " + result.checked() + " records checked (shell)");
        if (result.intact()) {
            return "Audit trail intact: " + result.checked() + " records, chain verified.\n";
        }
        throw new IllegalStateException("Audit trail NOT intact at record " + result.firstBadSequence() + ": "
                + result.problem() + " (" + result.checked() + " records before it verified)");
    }

    @Descriptor("sign the chain head now (key in etc/security/); keep the printed line somewhere the database admins cannot write")
    public String checkpoint() {
        return audit.checkpoint() + "\n";
    }

    @Descriptor("archive records past the retention period (compressed, chain-preserving), then remove them")
    public String archive() {
        return audit.archive() + "\n";
    }

    @Descriptor("export audit records as a FHIR R4 Bundle of AuditEvent resources (JSON)")
    public String export(CommandSession session,
            @Descriptor("new file to write (admins only); standard output when absent") @Parameter(names = {"--out"}, absentValue = NONE) String out,
            @Descriptor("patient id") @Parameter(names = {"-p", "--patient"}, absentValue = NONE) String patient,
            @Descriptor("how many of the newest records, 1-1000") @Parameter(names = {"-n"}, absentValue = "1000") long number)
            throws IOException {
        org.carehost.operators.Operator operator = GuardedSession.operatorOf(session);
        if (!out.isBlank() && operator != null && !operator.isAdmin()) {
            // a file on the container's host, written with the container's rights: for admins (the console is one)
            throw new SecurityException("Refused: " + operator.name() + " may not write files on the container's host "
                    + "(--out); that is for admins. Leave out --out and redirect on your own machine "
                    + "(ssh ... audit:export > file)");
        }
        Path target = out.isBlank() ? null : Paths.get(out).toAbsolutePath();
        if (target != null && Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(target + " exists; audit:export writes a new file only. Name another "
                    + "file, or move that one away first");
        }
        if (target != null && !Files.isDirectory(target.getParent())) {
            throw new IllegalArgumentException("The folder " + target.getParent() + " does not exist (or is not a "
                    + "folder): nothing was exported. Create it first, or name a file in an existing folder");
        }
        int count = CommandArguments.intIn("-n", number, 1, 1000);
        Page<AuditRecord> page = audit.query(new AuditQuery(blankToNull(patient), null, null, null, null, null, 0, count));
        String text = fhir.bundle(page.items()) + "\n";
        recordRead("audit.export", page, filters("patient", patient, "limit", String.valueOf(count))
                + (out.isBlank() ? "" : " to a file"));
        if (out.isBlank()) {
            return text;
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE);
        try {
            Files.move(partial, target); // no replace: a file made meanwhile is left as it is
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        return "Wrote " + page.items().size() + " AuditEvent resources to " + target + "\n";
    }

    /** The read, in the trail: the filters as asked (never a patient's data), and how many records were shown. */
    private void recordRead(String operation, Page<AuditRecord> page, String filters) {
        ActingOperator.audit(audit, binder, AuditAction.READ, operation, "AuditEvent", null, null,
                page.items().size() + " of " + page.total() + " records (shell" + (filters.isEmpty() ? "" : ", " + filters)
                        + ")");
    }

    private static String filters(String... namesAndValues) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value != null && !value.isBlank()) {
                out.append(out.length() == 0 ? "" : ", ").append(namesAndValues[i]).append('=')
                        .append(value.length() > 80 ? value.substring(0, 80) + "…" : value.strip());
            }
        }
        return out.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static AuditOutcome outcome(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return AuditOutcome.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--outcome must be success, denied or error, not '" + text + "'");
        }
    }

    private static Instant instant(String option, String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 instant such as 2030-01-31T09:00:00Z, not '" + text + "'");
        }
    }
}
