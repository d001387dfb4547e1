package org.carehost.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.audit.AuditLog;
import org.carehost.clock.ContainerClock;
import org.carehost.context.ConsentDirective;
import org.carehost.context.Consents;
import org.carehost.context.ContextBinder;
import org.carehost.context.BreakGlass;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.context.CareContext;
import org.carehost.sdk.patient.PatientService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code consent:list|add|remove}: a patient's directives in the session's tenant (the patient must exist
 * there), which every host-service call honours; and {@code audit:breakglass}, the emergency accesses to review.
 */
@Component(service = ConsentCommands.class, property = {
        "osgi.command.scope=consent",
        "osgi.command.function=list",
        "osgi.command.function=add",
        "osgi.command.function=remove"
})
public final class ConsentCommands {

    private final Consents consents;
    private final ContextBinder binder;
    private final PatientService patients;
    private final AuditLog log;

    @Activate
    public ConsentCommands(@Reference Consents consents, @Reference ContextBinder binder,
            @Reference PatientService patients, @Reference AuditLog log) {
        this.consents = consents;
        this.binder = binder;
        this.patients = patients;
        this.log = log;
    }

    @Descriptor("list a patient's consent directives")
    public String list(@Descriptor("patient id") String patientId) {
        return Text.consentTable(patientId, consents.of(tenantOf(patientId), patientId));
    }

    @Descriptor("record a directive: 'research' (opts out of research use) or 'plugin <symbolic name>' (opts out of that plugin)")
    public String add(@Descriptor("patient id") String patientId, @Descriptor("research or plugin") String kind,
            @Descriptor("the plugin, for 'plugin'") String... plugin) {
        ConsentDirective.Kind parsed = ConsentDirective.Kind.parse(kind);
        String tenant = tenantOf(patientId);
        ConsentDirective directive = consents.add(tenant, patientId, parsed, pluginOf(parsed, plugin),
                ActingOperator.who(binder));
        ActingOperator.audit(log, binder, AuditAction.CREATE, "consent.add", "Consent", null, patientId, directive.describe());
        return "Patient " + patientId + " " + directive.describe() + " (tenant " + tenant + ").";
    }

    @Descriptor("remove a directive")
    public String remove(@Descriptor("patient id") String patientId, @Descriptor("research or plugin") String kind,
            @Descriptor("the plugin, for 'plugin'") String... plugin) {
        ConsentDirective.Kind parsed = ConsentDirective.Kind.parse(kind);
        String tenant = tenantOf(patientId);
        if (!consents.remove(tenant, patientId, parsed, pluginOf(parsed, plugin))) {
            return "Patient " + patientId + " had no such directive; nothing changed.";
        }
        ActingOperator.audit(log, binder, AuditAction.DELETE, "consent.remove", "Consent", null, patientId,
                kind + (plugin.length > 0 ? " " + plugin[0] : ""));
        return "Removed the directive.";
    }

    /** The session's tenant, once the patient is known to be there (the lookup is itself audited). */
    private String tenantOf(String patientId) {
        patients.get(patientId);
        return binder.current().map(CareContext::tenant).orElse(CareContext.DEFAULT_TENANT);
    }

    private static String pluginOf(ConsentDirective.Kind kind, String... plugin) {
        if (kind == ConsentDirective.Kind.PLUGIN && (plugin == null || plugin.length != 1)) {
            throw new IllegalArgumentException("Name the plugin: consent:add <patient> plugin <symbolic name>");
        }
        return kind == ConsentDirective.Kind.PLUGIN ? plugin[0] : null;
    }

    /** {@code audit:breakglass}: emergency accesses, newest first, for review. */
    @Component(service = BreakGlassCommands.class, property = {
            "osgi.command.scope=audit",
            "osgi.command.function=breakglass"
    })
    public static final class BreakGlassCommands {

        private final BreakGlass breakGlass;
        private final java.time.Clock clock;
        private final org.carehost.audit.AuditLog audit;
        private final org.carehost.context.ContextBinder binder;

        @Activate
        public BreakGlassCommands(@Reference BreakGlass breakGlass,
                @Reference(target = ContainerClock.TARGET) java.time.Clock clock,
                @Reference org.carehost.audit.AuditLog audit, @Reference org.carehost.context.ContextBinder binder) {
            this.breakGlass = breakGlass;
            this.clock = clock;
            this.audit = audit;
            this.binder = binder;
        }

        @Descriptor("list break-glass (emergency) accesses of the last hours, newest first, for review")
        public String breakglass(@Descriptor("hours back (default 24)") @Parameter(names = {"-h", "--hours"},
                absentValue = "24") int hours) {
            if (hours < 1 || hours > 24 * 366) {
                throw new IllegalArgumentException("hours must be 1 to " + 24 * 366 + ", not " + hours);
            }
            var accesses = breakGlass.since(clock.instant().minus(java.time.Duration.ofHours(hours)));
            // the review is a read of the trail, audited like audit:query
            ActingOperator.audit(audit, binder, org.carehost.sdk.audit.AuditAction.READ, "audit.breakglass",
                    "AuditEvent", null, null, accesses.size() + " break-glass accesses of the last " + hours + " h (shell)");
            return Text.breakGlassTable(accesses);
        }
    }
}
