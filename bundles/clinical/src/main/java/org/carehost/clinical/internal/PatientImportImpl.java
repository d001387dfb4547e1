package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

import org.carehost.audit.AuditLog;
import org.carehost.clinical.ImportOutcome;
import org.carehost.clinical.ImportOutcome.Status;
import org.carehost.clinical.PatientImport;
import org.carehost.clinical.internal.Audit.Subject;
import org.carehost.clinical.internal.ImportDocument.Entry;
import org.carehost.clinical.internal.ImportDocument.Kind;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.fhir.FhirJson;
import org.carehost.sdk.patient.Identifier;
import org.carehost.sdk.patient.Patient;
import org.carehost.sdk.resource.ValidationIssue;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link PatientImport} for each calling bundle (bundle scope, like {@link PatientServiceImpl}): each patient is read
 * from FHIR JSON, passed through the {@link Transformers}, matched by medical record number, checked by the
 * {@link Validation} and stored by {@link PatientRecords}, in the caller's care context. A single resource and each
 * batch entry is one audited create or update ({@code PatientImport.create|update}); a transaction Bundle is prepared
 * whole, stored in one database transaction, and audited as one {@code PatientImport.transaction} record (outcome and
 * counts) plus a {@code PatientImport.create|update} record per patient it stored.
 */
@Component(scope = ServiceScope.BUNDLE)
public final class PatientImportImpl implements PatientImport {

    private static final String TYPE = "Patient";

    private final PatientRecords records;
    private final CareRules care;
    private final Validation validation;
    private final Transformers transformers;
    private final Audit audit;

    @Activate
    public PatientImportImpl(ComponentContext context, @Reference PatientRecords records, @Reference AuditLog log,
            @Reference PermissionGuard guard, @Reference CareRules care, @Reference Validation validation,
            @Reference Transformers transformers) {
        this.records = records;
        this.care = care;
        this.validation = validation;
        this.transformers = transformers;
        this.audit = new Audit(log, Caller.of(context.getUsingBundle(), guard), guard.grantsOf(context.getUsingBundle()),
                care);
    }

    /** One patient ready to store: what the import does to it, and what the audit says of it. */
    private record Prepared(String source, PatientRecords.Write write, List<ValidationIssue> warnings, String noted) {
    }

    @Override
    public List<ImportOutcome> importJson(String source, String json) {
        Objects.requireNonNull(source, "source");
        ImportDocument document;
        try {
            document = ImportDocument.read(source, json);
        } catch (ImportDocument.UnreadableException e) {
            return List.of(new ImportOutcome(source, Status.FAILED, null, e.getMessage()));
        }
        if (document.kind() == Kind.TRANSACTION) {
            return transaction(document.entries());
        }
        List<ImportOutcome> outcomes = new ArrayList<>();
        for (Entry entry : document.entries()) {
            outcomes.add(entry.problem() != null ? new ImportOutcome(entry.source(), Status.FAILED, null, entry.problem())
                    : single(entry));
        }
        return outcomes;
    }

    /** One patient on its own: one audited create or update. */
    private ImportOutcome single(Entry entry) {
        Prepared[] prepared = new Prepared[1];
        try {
            Patient stored = audit.callDeciding(Permission.WRITE_PATIENTS,
                    () -> prepared[0] != null && prepared[0].write().id() != null ? AuditAction.UPDATE : AuditAction.CREATE,
                    () -> prepared[0] != null && prepared[0].write().id() != null ? "PatientImport.update"
                            : "PatientImport.create",
                    () -> prepared[0] == null ? entry.source() : prepared[0].noted(),
                    new Subject(TYPE, null, null), access -> {
                        prepared[0] = prepare(access, entry, new HashMap<>());
                        try {
                            return records.storeAll(access.tenant(), List.of(prepared[0].write())).get(0);
                        } catch (PatientRows.MedicalRecordNumberTakenException taken) {
                            // Another import stored this number since the lookup: prepared again, this is an update
                            // of that patient (or, when the number is not that patient's first one, refused again).
                            prepared[0] = prepare(access, entry, new HashMap<>());
                            return records.storeAll(access.tenant(), List.of(prepared[0].write())).get(0);
                        }
                    }, patient -> new Subject(TYPE, patient.id(), patient.id()));
            return stored(prepared[0], stored);
        } catch (RuntimeException e) {
            return new ImportOutcome(entry.source(), Status.FAILED, null, message(e));
        }
    }

    /** Every entry prepared first; any failure stores none; else all in one database transaction. */
    private List<ImportOutcome> transaction(List<Entry> entries) {
        List<ImportOutcome> failed = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        List<Patient> stored = new ArrayList<>();
        StringJoiner noted = new StringJoiner("; ", "transaction of " + entries.size() + " entries: ", "");
        try {
            audit.callNoted(Permission.WRITE_PATIENTS, AuditAction.EXECUTE, "PatientImport.transaction",
                    () -> failed.isEmpty() && !stored.isEmpty() ? noted.toString() : noted + " (nothing stored)",
                    new Subject(TYPE, null, null), access -> {
                        Map<String, String> mrnsSeen = new HashMap<>();
                        for (Entry entry : entries) {
                            if (entry.problem() != null) {
                                failed.add(new ImportOutcome(entry.source(), Status.FAILED, null, entry.problem()));
                                continue;
                            }
                            try {
                                Prepared one = prepare(access, entry, mrnsSeen);
                                prepared.add(one);
                            } catch (RuntimeException e) {
                                failed.add(new ImportOutcome(entry.source(), Status.FAILED, null, message(e)));
                            }
                        }
                        if (!failed.isEmpty()) {
                            noted.add(failed.size() + " refused");
                            throw new TransactionRefusedException(failed.size() + " of " + entries.size()
                                    + " entries refused");
                        }
                        stored.addAll(records.storeAll(access.tenant(),
                                prepared.stream().map(Prepared::write).toList()));
                        int created = 0;
                        for (int i = 0; i < stored.size(); i++) {
                            boolean update = prepared.get(i).write().id() != null;
                            created += update ? 0 : 1;
                            // One record per patient too, so that the patient's trail shows the import.
                            audit.record(access.context(), update ? AuditAction.UPDATE : AuditAction.CREATE,
                                    update ? "PatientImport.update" : "PatientImport.create",
                                    "in transaction" + (prepared.get(i).noted().isEmpty() ? ""
                                            : "; " + prepared.get(i).noted()),
                                    new Subject(TYPE, stored.get(i).id(), stored.get(i).id()));
                            audit.touched(stored.get(i).id());
                        }
                        noted.add(created + " created, " + (stored.size() - created) + " updated");
                        return stored;
                    }, null);
        } catch (TransactionRefusedException refused) {
            return notStored(entries, failed, "another entry of the transaction was refused");
        } catch (RuntimeException e) {
            if (failed.isEmpty()) {
                failed.add(new ImportOutcome(entries.get(0).source().replaceFirst("#entry\\[0]$", ""), Status.FAILED,
                        null, "the transaction was not stored: " + message(e)));
            }
            return notStored(entries, failed, "the transaction was not stored");
        }
        List<ImportOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            outcomes.add(stored(prepared.get(i), stored.get(i)));
        }
        return outcomes;
    }

    private static List<ImportOutcome> notStored(List<Entry> entries, List<ImportOutcome> failed, String why) {
        List<ImportOutcome> outcomes = new ArrayList<>(failed);
        for (Entry entry : entries) {
            if (failed.stream().noneMatch(outcome -> outcome.source().equals(entry.source()))) {
                outcomes.add(new ImportOutcome(entry.source(), Status.NOT_STORED, null, why + "; nothing was stored"));
            }
        }
        outcomes.sort((a, b) -> Integer.compare(index(entries, a.source()), index(entries, b.source())));
        return outcomes;
    }

    private static int index(List<Entry> entries, String source) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).source().equals(source)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads, transforms, matches and validates one patient. {@code mrnsSeen}: medical record numbers earlier entries
     * of the same transaction carry (two entries for one patient in one transaction are refused, not merged).
     */
    private Prepared prepare(Access access, Entry entry, Map<String, String> mrnsSeen) {
        care.writable(access);
        // The host names resources: an id, version or time in the file is the sending system's, not ours.
        Patient read = FhirJson.readPatient(entry.json()).toBuilder().id(null).versionId(0).lastUpdated(null).build();
        Transformers.Transformed<Patient> transformed = transformers.apply(Patient.class, read, access.context());
        Patient patient = transformed.resource();
        String existing = null;
        Identifier mrn = patient.medicalRecordNumber().orElse(null);
        if (mrn != null && mrn.system() != null && mrn.value() != null) {
            String key = mrn.system() + "|" + mrn.value();
            String earlier = mrnsSeen.putIfAbsent(key, entry.source());
            if (earlier != null) {
                throw new IllegalArgumentException("its medical record number is also that of " + earlier
                        + ": one transaction may carry each patient once");
            }
            List<Patient> matches = records.withMedicalRecordNumber(access.tenant(), mrn);
            if (matches.size() > 1) {
                throw new IllegalArgumentException(matches.size() + " stored patients of tenant " + access.tenant()
                        + " have its medical record number (" + mrn.system() + "): it cannot tell which to update; "
                        + "merge them first");
            }
            if (matches.size() == 1) {
                Patient stored = matches.get(0);
                care.admit(access, stored.id());
                existing = stored.id();
                patient = care.keepHidden(access, patient.toBuilder().versionId(stored.versionId()).build(), stored);
            }
        }
        Validation.Verdicts verdicts = validation.check(Patient.class, TYPE, patient, access.context());
        verdicts.requireNoErrors();
        StringJoiner noted = new StringJoiner("; ");
        noted.setEmptyValue("");
        if (transformed.auditText() != null) {
            noted.add(transformed.auditText());
        }
        if (verdicts.auditText() != null) {
            noted.add(verdicts.auditText());
        }
        return new Prepared(entry.source(), new PatientRecords.Write(existing, patient), verdicts.warnings(),
                noted.toString());
    }

    private static ImportOutcome stored(Prepared prepared, Patient stored) {
        boolean updated = prepared.write().id() != null;
        String message = updated ? "version " + stored.versionId() + " of the patient with this medical record number"
                : null;
        if (!prepared.warnings().isEmpty()) {
            String warnings = "warnings: " + String.join("; ", prepared.warnings().stream()
                    .map(w -> w.path() + " " + w.message()).toList());
            message = message == null ? warnings : message + "; " + warnings;
        }
        return new ImportOutcome(prepared.source(), updated ? Status.UPDATED : Status.CREATED, stored.id(), message);
    }

    /**
     * An entry's outcome in the operator's words: the exception's message (a validation's "Patient rejected: ...", the
     * store's "could not store"), its class's name only when it has none (tryout 14 saw "ValidationException: ..." and
     * "IllegalStateException: ..." in the table).
     */
    private static String message(RuntimeException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Ends the audited call of a transaction with an entry refused: recorded as an error, nothing stored. */
    private static final class TransactionRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransactionRefusedException(String message) {
            super(message);
        }
    }
}
