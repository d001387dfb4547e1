package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.carehost.context.Activation;
import org.carehost.context.Tenant;
import org.carehost.context.Tenants;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.carehost.operators.Role;

/**
 * The hospital's side of the API (issue 19, item 4): tenants, and per tenant the plugins (the console's Apps page),
 * enabling and disabling one, and its settings checked against its Metatype schema. Every route under
 * {@code /tenants/{tenant}} is for admins and that tenant's hospital-admins only; every change is audited in that tenant.
 */
final class TenantEndpoints {

    private static final Set<Role> HOSPITAL = EnumSet.of(Role.HOSPITAL_ADMIN);
    private static final String PLUGIN = "/tenants/{tenant}/plugins/{plugin}";

    private final BundleContext context;
    private final PluginManager plugins;
    private final Tenants tenants;
    private final SecurityAdmin security;
    private final TenantSettings settings;
    private final Audits audits;
    private final ObjectMapper json;

    TenantEndpoints(BundleContext context, PluginManager plugins, Tenants tenants, SecurityAdmin security,
            TenantSettings settings, Audits audits, ObjectMapper json) {
        this.context = context;
        this.plugins = plugins;
        this.tenants = tenants;
        this.security = security;
        this.settings = settings;
        this.audits = audits;
        this.json = json;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("POST", "/tenants", false, Set.of(), "Create a tenant (hospital): {\"id\", \"name\"} "
                + "(admins only)", this::create));
        routes.add(new Route("GET", "/tenants/{tenant}/plugins", false, HOSPITAL,
                "The plugins and whether each is enabled for the tenant", this::list));
        routes.add(new Route("GET", PLUGIN, false, HOSPITAL,
                "One plugin for the tenant: state, why, permissions, signer, enabled", this::detail));
        routes.add(new Route("POST", PLUGIN + "/enable", false, HOSPITAL, "Let the plugin act for the tenant",
                call -> activate(call, true)));
        routes.add(new Route("POST", PLUGIN + "/disable", false, HOSPITAL, "Stop the plugin acting for the tenant",
                call -> activate(call, false)));
        routes.add(new Route("GET", PLUGIN + "/settings", false, HOSPITAL,
                "The plugin's settings for the tenant", this::values));
        routes.add(new Route("GET", PLUGIN + "/settings/schema", false, HOSPITAL,
                "The plugin's settings as JSON Schema (from its Metatype)", this::schema));
        routes.add(new Route("PUT", PLUGIN + "/settings", false, HOSPITAL, "Change settings for the tenant: a JSON "
                + "object of setting to value; invalid values are refused with a problem listing each field", this::change));
        return routes;
    }

    private Object create(Call call) throws Problems.Failure {
        JsonNode body = Requests.object(json, call, "{\"id\": …, \"name\": …}");
        Tenant tenant = tenants.create(Requests.text(body, "id"), Requests.text(body, "name"), call.operator().name());
        audits.record(call.operator(), tenant.id(), AuditAction.CREATE, "tenant.create", "Tenant", tenant.id(), tenant.name());
        return tenant;
    }

    private Object list(Call call) throws Problems.Failure {
        String tenant = Requests.administeredTenant(call, tenants, 0);
        List<Map<String, Object>> out = new ArrayList<>();
        for (PluginInfo info : plugins.list()) {
            Bundle bundle = context.getBundle(info.id());
            if (bundle != null) {
                out.add(summary(info, bundle, tenant));
            }
        }
        return out;
    }

    private Object detail(Call call) throws Exception {
        String tenant = Requests.administeredTenant(call, tenants, 0);
        PluginInfo info = plugin(call);
        Bundle bundle = bundle(info);
        Map<String, Object> out = summary(info, bundle, tenant);
        out.put("plugin", info);
        out.put("why", plugins.diagnose(info.symbolicName()));
        out.put("permissions", security.report(bundle));
        out.put("activations", tenants.activations().stream()
                .filter(a -> a.tenant().equals(tenant) && a.plugin().equals(info.symbolicName())).toList());
        return out;
    }

    private Object activate(Call call, boolean enable) throws Exception {
        String tenant = Requests.administeredTenant(call, tenants, 0);
        String name = plugin(call).symbolicName();
        String by = call.operator().name();
        Activation activation = enable ? tenants.enable(name, tenant, by) : tenants.disable(name, tenant, by);
        audits.record(call.operator(), tenant, AuditAction.UPDATE, enable ? "plugin.enable" : "plugin.disable", "Tenant",
                tenant, name);
        return activation;
    }

    private Object values(Call call) throws Exception {
        String tenant = Requests.administeredTenant(call, tenants, 0);
        PluginInfo info = plugin(call);
        Bundle bundle = bundle(info);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin", info.symbolicName());
        out.put("tenant", tenant);
        out.put("values", settings.values(schema(info, bundle), bundle, tenant));
        return out;
    }

    private Object schema(Call call) throws Exception {
        Requests.administeredTenant(call, tenants, 0);
        PluginInfo info = plugin(call);
        return TenantSettings.jsonSchema(schema(info, bundle(info)));
    }

    private Object change(Call call) throws Exception {
        String tenant = Requests.administeredTenant(call, tenants, 0);
        PluginInfo info = plugin(call);
        Bundle bundle = bundle(info);
        ObjectClassDefinition schema = schema(info, bundle);
        JsonNode body = Requests.object(json, call, "{\"<setting>\": <value>, …}");
        if (!tenants.isEnabled(info.symbolicName(), tenant)) {
            throw new Problems.Failure(409, "not-enabled", "Plugin not enabled", info.symbolicName()
                    + " is not enabled for tenant " + tenant + "; enable it first (POST /api/v1/tenants/" + tenant
                    + "/plugins/" + info.symbolicName() + "/enable)");
        }
        List<Map<String, String>> errors = settings.change(schema, bundle, tenant, body);
        if (!errors.isEmpty()) {
            throw new Problems.Failure(422, "invalid-settings", "Invalid settings", errors.size()
                    + (errors.size() == 1 ? " value is" : " values are") + " invalid; the settings in force stay", errors);
        }
        List<String> keys = new ArrayList<>();
        body.fieldNames().forEachRemaining(keys::add);
        if (!keys.isEmpty()) {
            audits.record(call.operator(), tenant, AuditAction.UPDATE, "plugin.config", "Tenant", tenant,
                    info.symbolicName() + ": " + String.join(", ", keys));
        }
        return values(call);
    }

    private Map<String, Object> summary(PluginInfo info, Bundle bundle, String tenant) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("symbolicName", info.symbolicName());
        out.put("name", bundle.getHeaders("").get("Bundle-Name"));
        out.put("description", bundle.getHeaders("").get("Bundle-Description"));
        out.put("version", info.version());
        out.put("state", info.state());
        out.put("kind", info.kind());
        out.put("enabled", tenants.isEnabled(info.symbolicName(), tenant));
        out.put("settings", settings.schemaOf(bundle) != null);
        return out;
    }

    private PluginInfo plugin(Call call) throws Problems.Failure {
        try {
            return plugins.get(call.parameter(1));
        } catch (org.carehost.plugins.PluginNotFoundException e) {
            throw new Problems.Failure(404, "not-found", "Not found", ApiServlet.notFound(e));
        } catch (PluginException e) {
            throw new Problems.Failure(404, "not-found", "Not found", e.getMessage());
        }
    }

    private Bundle bundle(PluginInfo info) throws Problems.Failure {
        Bundle bundle = context.getBundle(info.id());
        if (bundle == null) {
            throw new Problems.Failure(404, "not-found", "Not found", info.symbolicName() + " has just been uninstalled");
        }
        return bundle;
    }

    private ObjectClassDefinition schema(PluginInfo info, Bundle bundle) throws Problems.Failure {
        ObjectClassDefinition schema = settings.schemaOf(bundle);
        if (schema == null) {
            throw new Problems.Failure(404, "no-settings", "No settings", info.symbolicName()
                    + " has no settings (no single Metatype schema of its own)");
        }
        return schema;
    }
}
