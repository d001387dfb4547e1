package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.carehost.context.Tenant;
import org.carehost.context.Tenants;
import org.carehost.operators.LoginRefusedException;
import org.carehost.operators.Logins;
import org.carehost.operators.Operator;
import org.carehost.operators.OperatorAccounts;
import org.carehost.operators.Role;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.UninstalledFile;
import org.carehost.sdk.audit.AuditAction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.Cookie;

/** The routes of {@code /api/v1} and what each does: thin calls to the container's services. */
final class Endpoints {

    static final String COOKIE = "CAREHOST_SESSION";
    private static final Set<Role> PLUGIN_READERS = org.carehost.operators.OperatorRights.READ_PLUGINS;

    private final PluginManager plugins;
    private final Tenants tenants;
    private final OperatorAccounts accounts;
    private final Logins logins;
    private final WebSessions sessions;
    private final ObjectMapper json;
    private final Audits audits;

    Endpoints(PluginManager plugins, Tenants tenants, OperatorAccounts accounts, Logins logins, WebSessions sessions,
            ObjectMapper json, Audits audits) {
        this.audits = audits;
        this.plugins = plugins;
        this.tenants = tenants;
        this.accounts = accounts;
        this.logins = logins;
        this.sessions = sessions;
        this.json = json;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("POST", "/session", true, Set.of(), "Log in with user, password and (when the role "
                + "needs one) otp; sets the session cookie and returns the CSRF token", this::login));
        routes.add(new Route("DELETE", "/session", false, EnumSet.allOf(Role.class), "Log out", this::logout));
        routes.add(new Route("GET", "/me", false, EnumSet.allOf(Role.class), "Who is logged in", call -> me(call.operator())));
        routes.add(new Route("GET", "/plugins", false, PLUGIN_READERS, "The plugins", call -> plugins.list()));
        routes.add(new Route("GET", "/plugins/{plugin}", false, PLUGIN_READERS,
                "One plugin, with why it is not active", this::plugin));
        routes.add(new Route("POST", "/plugins/{plugin}/start", false, org.carehost.operators.OperatorRights.RUN_PLUGINS, "Start a plugin",
                call -> audited(call, AuditAction.EXECUTE, "start", "started", plugins.start(call.parameter(0)))));
        routes.add(new Route("POST", "/plugins/{plugin}/stop", false, org.carehost.operators.OperatorRights.RUN_PLUGINS, "Stop a plugin",
                call -> audited(call, AuditAction.EXECUTE, "stop", "stopped", plugins.stop(call.parameter(0)))));
        routes.add(new Route("DELETE", "/plugins/{plugin}", false, org.carehost.operators.OperatorRights.INSTALL_PLUGINS,
                "Uninstall a plugin, as plugin:uninstall: a deploy-folder plugin's file is deleted (deletedFile names it)",
                this::uninstall));
        routes.add(new Route("GET", "/tenants", false, EnumSet.of(Role.HOSPITAL_ADMIN, Role.OPERATOR),
                "The tenants (a hospital admin sees their own)", this::tenants));
        routes.add(new Route("GET", "/users", false, Set.of(), "Operator accounts (admins only)",
                call -> accounts.list().stream().map(Listed::of).toList()));
        routes.add(new Route("GET", "/openapi.json", true, Set.of(), "This API as OpenAPI 3.1", call -> null));
        return routes;
    }

    /**
     * A plugin's start, stop or uninstall, audited under the operator who asked for it before it is answered (the
     * framework's own lifecycle records name no person), as the shell's {@code plugin:start}, {@code plugin:stop} and
     * {@code plugin:uninstall} are.
     */
    private PluginInfo audited(Call call, AuditAction action, String command, String verb, PluginInfo plugin) {
        audits.record(call.operator(), null, action, "plugin:" + command, "Plugin", plugin.symbolicName(),
                plugin.symbolicName() + " " + plugin.version() + " " + verb + "; state " + plugin.state());
        return plugin;
    }

    /**
     * {@code DELETE /plugins/{plugin}}: the plugin as it was, with {@code deletedFile} (the deploy-folder file the
     * uninstall deleted, or null) and {@code message}, the shell's words for it.
     */
    private Object uninstall(Call call) throws PluginException {
        PluginInfo gone = audited(call, AuditAction.DELETE, "uninstall", "uninstalled", plugins.uninstall(call.parameter(0)));
        String file = UninstalledFile.note(gone);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin", gone);
        out.put("deletedFile", UninstalledFile.name(gone));
        out.put("message", "Plugin " + gone.symbolicName() + " " + gone.version() + " (id " + gone.id()
                + ") uninstalled; state " + gone.state() + "." + (file == null ? "" : " " + file.strip()));
        return out;
    }

    private Object login(Call call) throws Exception {
        // Read at most 64 KiB whatever the request declares (a chunked body declares no length): this route is open.
        JsonNode body = Requests.object(json, call, "{\"user\": …, \"password\": …, \"otp\": …}");
        String user = Requests.text(body, "user");
        String password = Requests.text(body, "password");
        String otp = body.hasNonNull("otp") ? body.get("otp").asText() : null;
        Operator operator;
        try {
            operator = logins.password(user, password.toCharArray(), otp, "http " + call.request().getRemoteAddr());
        } catch (LoginRefusedException e) {
            // One answer for every refusal: a wrong password and a missing or wrong code look alike (redteam-3 #14)
            throw new Problems.Failure(401, "login-refused", "Login refused", e.getMessage());
        }
        WebSessions.WebSession session = sessions.create(operator);
        Cookie cookie = new Cookie(COOKIE, session.id());
        cookie.setHttpOnly(true);
        cookie.setPath("/");
        cookie.setSecure(call.request().isSecure());
        cookie.setAttribute("SameSite", "Strict");
        call.response().addCookie(cookie);
        Map<String, Object> out = me(operator);
        out.put("csrfToken", session.csrf());
        return out;
    }

    private Object logout(Call call) {
        if (call.request().getCookies() != null) {
            for (Cookie cookie : call.request().getCookies()) {
                if (COOKIE.equals(cookie.getName())) {
                    sessions.remove(cookie.getValue());
                }
            }
        }
        Cookie gone = new Cookie(COOKIE, "");
        gone.setMaxAge(0);
        gone.setPath("/");
        gone.setHttpOnly(true);
        gone.setAttribute("SameSite", "Strict");
        call.response().addCookie(gone);
        return null;
    }

    private Object plugin(Call call) throws PluginException {
        PluginInfo info = plugins.get(call.parameter(0));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin", info);
        out.put("why", plugins.diagnose(call.parameter(0)));
        return out;
    }

    private Object tenants(Call call) {
        List<Tenant> all = tenants.list();
        Operator operator = call.operator();
        return operator.isAdmin() || operator.has(Role.OPERATOR) ? all
                : all.stream().filter(tenant -> operator.administers(tenant.id())).toList();
    }

    static Map<String, Object> me(Operator operator) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", operator.name());
        out.put("roles", operator.roles().stream().map(Role::code).sorted().toList());
        out.put("tenants", operator.tenants().stream().sorted().toList());
        return out;
    }

    /** An account as GET /users lists it: the operator without its credential stamp (an internal value). */
    record Listed(String name, java.util.Set<Role> roles, java.util.Set<String> tenants, boolean disabled,
            boolean secondFactor, java.time.Instant created, String origin, boolean admin) {
        static Listed of(Operator o) {
            // admin: the field Operator's isAdmin() gave the listing before this record, kept for the API's clients
            return new Listed(o.name(), o.roles(), o.tenants(), o.disabled(), o.secondFactor(), o.created(), o.origin(),
                    o.isAdmin());
        }
    }
}
