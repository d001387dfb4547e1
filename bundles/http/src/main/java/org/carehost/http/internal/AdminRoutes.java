package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.List;

import org.carehost.audit.AuditLog;
import org.carehost.audit.FhirExport;
import org.carehost.context.ContextBinder;
import org.carehost.context.PluginSettings;
import org.carehost.context.Tenants;
import org.carehost.operators.OperatorAccounts;
import org.carehost.plugins.PluginManager;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.BundleContext;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The routes a hospital's administrator and the web console use: tenants and their plugins, audit, accounts. */
final class AdminRoutes {

    private AdminRoutes() {
    }

    static List<Route> routes(BundleContext context, PluginManager plugins, Tenants tenants, OperatorAccounts accounts,
            SecurityAdmin security, PluginSettings settings, AuditLog log,
            FhirExport fhir, ContextBinder binder, ObjectMapper json, org.carehost.context.BreakGlass breakGlass,
            java.time.Clock clock) {
        List<Route> routes = new ArrayList<>();
        Audits audits = new Audits(log, binder);
        routes.addAll(new TenantEndpoints(context, plugins, tenants, security,
                new TenantSettings(settings), audits, json).routes());
        routes.addAll(new AuditEndpoints(log, fhir, tenants, audits, json, breakGlass, clock).routes());
        routes.addAll(new UserEndpoints(accounts, json).routes());
        return routes;
    }
}
