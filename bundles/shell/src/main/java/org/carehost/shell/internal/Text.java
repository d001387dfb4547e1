package org.carehost.shell.internal;

import java.util.List;
import java.util.stream.Collectors;

import org.carehost.plugins.ComponentInfo;
import org.carehost.plugins.Finding;
import org.carehost.plugins.PluginInfo;

/** How plugins read in the shell: tables, detail blocks and one-line summaries. */
final class Text {

    private Text() {
    }

    static String pluginTable(List<PluginInfo> plugins) {
        if (plugins.isEmpty()) {
            return "No plugins installed. Drop a bundle jar into the deploy folder, or use plugin:install <path|url>.\n";
        }
        Table table = new Table("ID", "SYMBOLIC NAME", "VERSION", "STATE", "KIND", "COMPONENTS", "ORIGIN");
        for (PluginInfo plugin : plugins) {
            table.row(plugin.id(), plugin.symbolicName(), plugin.version(), plugin.state(), plugin.kind(),
                    componentSummary(plugin.components()), plugin.origin());
        }
        return table.toString();
    }

    static String pluginDetail(PluginInfo plugin) {
        StringBuilder out = new StringBuilder();
        Table fields = new Table("FIELD", "VALUE")
                .row("id", plugin.id())
                .row("symbolic name", plugin.symbolicName())
                .row("version", plugin.version())
                .row("state", plugin.state())
                .row("kind", plugin.kind())
                .row("origin", plugin.origin())
                .row("location", plugin.location());
        out.append(fields);
        if (plugin.components().isEmpty()) {
            out.append("\nNo Declarative Services components.\n");
        } else {
            Table components = new Table("COMPONENT", "STATE");
            for (ComponentInfo component : plugin.components()) {
                components.row(component.name(), component.state());
            }
            out.append('\n').append(components);
        }
        return out.toString();
    }

    static String summary(String verb, PluginInfo plugin) {
        return "Plugin " + plugin.symbolicName() + " " + plugin.version() + " (id " + plugin.id() + ") " + verb
                + "; state " + plugin.state() + ".\n";
    }

    static String pageFooter(org.carehost.sdk.resource.Page<?> page) {
        if (page.total() == 0) {
            return "No results.\n";
        }
        return (page.offset() + 1) + "-" + (page.offset() + page.items().size()) + " of " + page.total()
                + (page.hasNext() ? " (next page: --offset " + (page.offset() + page.items().size()) + ")" : "") + "\n";
    }

    static String patientDetail(org.carehost.sdk.patient.Patient patient, boolean unmask) {
        Table fields = new Table("FIELD", "VALUE")
                .row("id", patient.id())
                .row("version", patient.versionId())
                .row("last updated", patient.lastUpdated())
                .row("name", Phi.name(patient, unmask))
                .row("birth date", Phi.birthDate(patient, unmask))
                .row("gender", patient.gender() == null ? "-" : patient.gender().code());
        for (org.carehost.sdk.patient.Identifier identifier : patient.identifiers()) {
            fields.row("identifier" + (identifier.type() == null ? "" : " (" + identifier.type() + ")"),
                    identifier.system() + "|" + identifier.value());
        }
        for (org.carehost.sdk.patient.ContactPoint contact : patient.telecom()) {
            fields.row(contact.system(), unmask ? contact.value() : Phi.mask(contact.value()));
        }
        for (org.carehost.sdk.patient.Address address : patient.addresses()) {
            fields.row("address", unmask ? String.join(", ", address.line()) + ", " + address.city()
                    : "(masked; --unmask shows it)");
        }
        return fields.toString();
    }

    static String auditTable(org.carehost.sdk.resource.Page<org.carehost.sdk.audit.AuditRecord> page) {
        // USER: records name the operator who acted (tryout 16 #20: the column was missing)
        Table table = new Table("SEQ", "RECORDED", "PLUGIN", "USER", "ACTION", "OPERATION", "RESOURCE", "PATIENT",
                "OUTCOME");
        for (org.carehost.sdk.audit.AuditRecord record : page.items()) {
            table.row(record.sequence(), record.recorded(), record.plugin(), record.user() == null ? "-" : record.user(),
                    record.action().code(), record.operation(),
                    record.resourceType() == null ? "-" : record.resourceType() + (record.resourceId() == null ? "" : "/" + record.resourceId()),
                    record.patientId() == null ? "-" : record.patientId(),
                    record.outcome() + (record.reason() == null ? "" : ": " + record.reason()));
        }
        return table + pageFooter(page);
    }

    static String findings(List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        for (Finding finding : findings) {
            out.append(finding.kind() == Finding.Kind.STATE ? "" : "  ").append(finding.reason()).append('\n');
        }
        return out.toString();
    }

    /** "2 active" / "1 active, 1 failed activation" / "-" */
    static String componentSummary(List<ComponentInfo> components) {
        if (components.isEmpty()) {
            return "-";
        }
        return components.stream()
                .collect(Collectors.groupingBy(ComponentInfo::state, java.util.TreeMap::new, Collectors.counting()))
                .entrySet().stream()
                .map(entry -> entry.getValue() + " " + entry.getKey())
                .collect(Collectors.joining(", "));
    }

    static String permissionReport(org.carehost.security.PermissionReport report) {
        StringBuilder out = new StringBuilder();
        out.append(report.plugin()).append(' ').append(report.version()).append('\n');
        out.append("  declared: ").append(listOrNone(report.declared())).append('\n');
        out.append("  granted:  ").append(listOrNone(report.granted())).append('\n');
        out.append("  used:     ").append(listOrNone(report.used())).append('\n');
        out.append("  denied:   ").append(report.denied().isEmpty() ? "none" : new java.util.TreeMap<>(report.denied()).entrySet().stream()
                .map(entry -> entry.getKey() + " (" + entry.getValue() + "x)").collect(Collectors.joining(", ")))
                .append('\n');
        out.append("  signer:   ").append(report.signer() == null ? "none trusted" : report.signer()).append('\n');
        out.append("  quota:    ").append(report.quotaPerMinute() == 0 ? "none"
                : report.quotaPerMinute() + " host-service calls per minute").append('\n');
        for (String refusal : report.refusals()) {
            out.append("  REFUSED:  ").append(refusal).append('\n');
        }
        return out.toString();
    }

    static String securityStatus(org.carehost.security.SecurityStatus status) {
        StringBuilder out = new StringBuilder();
        out.append("mode:         ").append(status.mode().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        out.append("policy:       ").append(status.policyFile())
                .append(status.policyError() == null ? "" : status.failedClosed()
                        ? "  (REFUSED at the start, so nothing is granted until it is fixed: " + status.policyError() + ")"
                        : "  (REFUSED, previous policy in force: " + status.policyError() + ")").append('\n');
        out.append("trust store:  ").append(status.trustStore()).append(" (")
                .append(status.trustedSigners().size()).append(" certificates)").append('\n');
        for (String signer : status.trustedSigners()) {
            out.append("              ").append(signer).append('\n');
        }
        out.append("plugins:      ").append(status.plugins()).append(", ").append(status.refusedPlugins())
                .append(" refused").append('\n');
        out.append("JDK:          ").append(status.jdk()).append(" (no JDK SecurityManager needed)").append('\n');
        out.append("run time:     ").append(status.runtimeLayer()).append('\n');
        return out.toString();
    }

    /** What a switch of the security mode would stop: each running plugin it would refuse, with the reasons. */
    static String refusedBySwitch(String mode, java.util.Map<String, List<String>> refused) {
        StringBuilder out = new StringBuilder("Switching to ").append(mode).append(" mode stops ")
                .append(refused.size()).append(refused.size() == 1 ? " running plugin:" : " running plugins:")
                .append('\n');
        refused.forEach((plugin, reasons) -> out.append("  ").append(plugin).append(": ")
                .append(String.join("; ", reasons)).append('\n'));
        return out.toString();
    }

    static String denialTable(List<org.carehost.security.Denial> denials) {
        if (denials.isEmpty()) {
            return "No denials since the container started.\n";
        }
        Table table = new Table("AT", "PLUGIN", "VERSION", "PERMISSION", "REASON");
        for (org.carehost.security.Denial denial : denials) {
            table.row(denial.at(), denial.plugin(), denial.version(), denial.permission() == null ? "-"
                    : denial.permission(), denial.reason());
        }
        return table.toString();
    }

    static String careContext(org.carehost.sdk.context.CareContext context) {
        return "tenant " + context.tenant() + ", user " + (context.user() == null ? "-" : context.user())
                + ", roles " + (context.roles().isEmpty() ? "-" : context.rolesText()) + ", purpose "
                + context.purpose().name().toLowerCase(java.util.Locale.ROOT) + " (" + context.purpose().code() + ")"
                + (context.reason() == null ? "" : ", reason \"" + oneLine(context.reason()) + "\"")
                + ", correlation " + context.correlationId();
    }

    static String tenantTable(List<org.carehost.context.Tenant> tenants) {
        Table table = new Table("ID", "NAME", "CREATED BY", "CREATED");
        for (org.carehost.context.Tenant tenant : tenants) {
            table.row(tenant.id(), oneLine(tenant.name()), tenant.createdBy(), tenant.created());
        }
        return table.toString();
    }

    static String activationTable(List<org.carehost.context.Activation> activations) {
        if (activations.isEmpty()) {
            return "No plugin was enabled or disabled for a tenant; every plugin acts for the default tenant only.\n";
        }
        Table table = new Table("TENANT", "PLUGIN", "STATE", "BY", "AT");
        for (org.carehost.context.Activation activation : activations) {
            table.row(activation.tenant(), activation.plugin(), activation.enabled() ? "enabled" : "disabled",
                    activation.changedBy(), activation.changed());
        }
        return table.toString();
    }

    static String consentTable(String patientId, List<org.carehost.context.ConsentDirective> directives) {
        if (directives.isEmpty()) {
            return "Patient " + patientId + " has no consent directives.\n";
        }
        Table table = new Table("DIRECTIVE", "RECORDED BY", "RECORDED");
        for (org.carehost.context.ConsentDirective directive : directives) {
            table.row(directive.describe(), directive.recordedBy(), directive.recorded());
        }
        return table.toString();
    }

    static String breakGlassTable(List<org.carehost.context.BreakGlassGrant> grants) {
        if (grants.isEmpty()) {
            return "No break-glass access in that period.\n";
        }
        Table table = new Table("OPENED", "EXPIRES", "TENANT", "USER", "PATIENT", "PLUGIN", "REASON", "CORRELATION");
        for (org.carehost.context.BreakGlassGrant grant : grants) {
            table.row(grant.opened(), grant.expires(), grant.tenant(), grant.user(), grant.patientId(), grant.plugin(),
                    oneLine(grant.reason()), grant.correlationId());
        }
        return table.toString();
    }

    private static String listOrNone(java.util.Collection<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names));
    }

    /** Cells stay on one line so that columns stay aligned, and printable ({@link #printable}). */
    static String oneLine(String text) {
        return printable(text.replaceAll("[\\r\\n\\t]+", " "));
    }

    /** {@link org.carehost.shell.TerminalText#printable}: the one definition, in the shell's API. */
    static String printable(String text) {
        return org.carehost.shell.TerminalText.printable(text);
    }
}
