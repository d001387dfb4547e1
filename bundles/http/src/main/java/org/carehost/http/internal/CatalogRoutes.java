package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.carehost.catalog.CatalogException;
import org.carehost.catalog.CatalogService;
import org.carehost.catalog.InstallPlan;
import org.carehost.catalog.PlanStep;
import org.carehost.context.ContextBinder;
import org.carehost.context.Tenants;
import org.carehost.operators.Role;
import org.carehost.sdk.context.Purpose;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code /api/v1/catalog}: the catalog commands over HTTP, with the roles the shell gives them (reading: hospital admins
 * and operators; installing and updating: operators; catalogs themselves: admins; reviews: a hospital's admin, for
 * that hospital). A thin layer over {@link CatalogService}, as the {@code catalog:} commands are: what the service
 * refuses comes back as a 409 problem with its message, and then nothing has changed.
 *
 * <p>An install is two steps, as in the shell: {@code GET …/plan} shows what would be installed (the plugin and each
 * dependency, with the permissions they ask and their signer), and {@code POST …/install} installs. The install may
 * name the plan's bundles it agreed to ({@code {"expect": ["bsn@version", …]}}); when the plan has changed since (a
 * catalog was updated), it is refused and nothing is installed.
 */
@Component(service = RouteSource.class)
public final class CatalogRoutes implements RouteSource {

    private static final Set<Role> READERS = org.carehost.operators.OperatorRights.READ_PLUGINS;
    private static final Set<Role> INSTALLERS = org.carehost.operators.OperatorRights.INSTALL_PLUGINS;

    private final CatalogService catalog;
    private final Tenants tenants;
    private final ContextBinder binder;
    private final ObjectMapper json = new ObjectMapper();

    @Activate
    public CatalogRoutes(@Reference CatalogService catalog, @Reference Tenants tenants, @Reference ContextBinder binder) {
        this.catalog = catalog;
        this.tenants = tenants;
        this.binder = binder;
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("GET", "/catalog/sources", false, READERS, "The configured catalogs, each read now (one "
                + "that cannot be read says why)", call -> catalog.catalogs()));
        routes.add(new Route("POST", "/catalog/sources", false, Set.of(), "Add or replace a catalog: {\"name\", \"url\", "
                + "\"trust\": [signer DN or \"*\"]} (admins only)", this::add));
        routes.add(new Route("DELETE", "/catalog/sources/{name}", false, Set.of(), "Remove a catalog (its plugins stay "
                + "installed; admins only)", call -> {
                    refused(() -> catalog.remove(call.parameter(0)));
                    return null;
                }));
        routes.add(new Route("GET", "/catalog/plugins", false, READERS, "Search the catalogs: ?text=&kind=&permission= "
                + "(the newest version of each plugin)", call -> catalog.search(
                        blankToNull(call.request().getParameter("text")), blankToNull(call.request().getParameter("kind")),
                        blankToNull(call.request().getParameter("permission")))));
        routes.add(new Route("GET", "/catalog/plugins/{plugin}", false, READERS, "A plugin's versions, description, "
                + "permissions, signer, dependencies and reviews", call -> refused(404, () -> catalog.info(call.parameter(0)))));
        routes.add(new Route("GET", "/catalog/plugins/{plugin}/plan", false, INSTALLERS, "What installing the plugin "
                + "(name or name@version) would install, without changing anything", call -> plan(call.parameter(0))));
        routes.add(new Route("POST", "/catalog/plugins/{plugin}/install", false, INSTALLERS, "Install the plugin and "
                + "its dependencies, all or none: {\"expect\": [\"bsn@version\", ...]} refuses a plan that changed",
                this::install));
        routes.add(new Route("GET", "/catalog/outdated", false, READERS, "Catalog-installed plugins with a newer version "
                + "offered", call -> catalog.outdated()));
        routes.add(new Route("POST", "/catalog/plugins/{plugin}/update", false, INSTALLERS, "Update a catalog-installed "
                + "plugin (name or name@version; {\"allowDowngrade\": true} for a lower one); a failed update is rolled "
                + "back", this::update));
        routes.add(new Route("POST", "/tenants/{tenant}/catalog/plugins/{plugin}/reviews", false,
                EnumSet.of(Role.HOSPITAL_ADMIN), "Rate (1 to 5) and review the plugin's installed or newest version for "
                        + "the hospital: {\"rating\", \"text\"}", this::review));
        return routes;
    }

    private Object add(Call call) throws Exception {
        JsonNode body = Requests.object(json, call, "{\"name\": …, \"url\": …, \"trust\": [\"*\"]}");
        List<String> trust = new ArrayList<>();
        JsonNode node = body.get("trust");
        if (node != null && !node.isNull()) {
            if (!node.isArray()) {
                throw new Problems.Failure(400, "bad-request", "Bad request", "'trust' must be a list of signer DNs "
                        + "or [\"*\"]");
            }
            node.forEach(item -> trust.add(item.asText()));
        }
        String name = Requests.text(body, "name");
        String url = Requests.text(body, "url");
        return refused(() -> catalog.add(name, url, trust));
    }

    private Map<String, Object> plan(String plugin) throws Exception {
        InstallPlan plan = refused(404, () -> catalog.plan(plugin));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plugin", plan.plugin());
        out.put("steps", plan.steps());
        out.put("expect", ids(plan));
        return out;
    }

    private Object install(Call call) throws Exception {
        List<String> expected = null;
        if (call.request().getContentLengthLong() > 0 || call.request().getHeader("Transfer-Encoding") != null) {
            JsonNode node = Requests.object(json, call, "{\"expect\": [\"bsn@version\", ...]} or no body").get("expect");
            if (node != null && !node.isNull()) {
                if (!node.isArray()) {
                    throw new Problems.Failure(400, "bad-request", "Bad request", "'expect' must be the list the plan "
                            + "returned");
                }
                expected = new ArrayList<>();
                for (JsonNode item : node) {
                    expected.add(item.asText());
                }
            }
        }
        String plugin = call.parameter(0);
        InstallPlan plan = refused(() -> catalog.plan(plugin));
        if (expected != null && !expected.stream().sorted().toList().equals(ids(plan).stream().sorted().toList())) {
            throw new Problems.Failure(409, "plan-changed", "The plan changed", "Installing " + plugin + " now means "
                    + ids(plan) + ", not " + expected + "; nothing was installed. Read the plan again (GET "
                    + "/api/v1/catalog/plugins/" + plugin + "/plan).");
        }
        return refused(() -> catalog.install(plan));
    }

    private Object update(Call call) throws Exception {
        boolean downgrade = false;
        if (call.request().getContentLengthLong() > 0) {
            JsonNode node = Requests.object(json, call, "{\"allowDowngrade\": true} or no body").get("allowDowngrade");
            downgrade = node != null && node.asBoolean(false);
        }
        boolean allowDowngrade = downgrade;
        String done = refused(() -> catalog.update(call.parameter(0), allowDowngrade));
        return Map.of("result", done);
    }

    private Object review(Call call) throws Exception {
        String tenant = Requests.administeredTenant(call, tenants, 0);
        JsonNode body = Requests.object(json, call, "{\"rating\": 1..5, \"text\": …}");
        JsonNode rating = body.get("rating");
        if (rating == null || !rating.canConvertToInt()) {
            throw new Problems.Failure(400, "bad-request", "Bad request", "'rating' is a whole number from 1 to 5");
        }
        String text = body.hasNonNull("text") ? body.get("text").asText() : "";
        var operator = call.operator();
        var context = binder.declare(tenant, operator.name(),
                operator.roles().stream().map(Role::code).collect(Collectors.toSet()), Purpose.OPERATIONS, null);
        try (ContextBinder.Binding binding = binder.bind(context)) {
            return refused(() -> catalog.review(call.parameter(1), rating.asInt(), text));
        }
    }

    private static List<String> ids(InstallPlan plan) {
        List<String> ids = new ArrayList<>();
        for (PlanStep step : plan.steps()) {
            ids.add(step.offer().symbolicName() + "@" + step.offer().version());
        }
        return ids;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @FunctionalInterface
    private interface CatalogCall<T> {
        T call() throws CatalogException;
    }

    @FunctionalInterface
    private interface CatalogAction {
        void run() throws CatalogException;
    }

    /** The service's refusal as a 409 problem carrying its message (which names the problem and the next step). */
    private static <T> T refused(CatalogCall<T> call) throws Problems.Failure {
        return refused(409, call);
    }

    /** A read the service cannot answer (no such plugin offered): {@code status} 404, with the service's message. */
    private static <T> T refused(int status, CatalogCall<T> call) throws Problems.Failure {
        try {
            return call.call();
        } catch (CatalogException e) {
            throw status == 404 ? new Problems.Failure(404, "not-found", "Not found", e.getMessage())
                    : new Problems.Failure(status, "catalog-refused", "The catalog refused", e.getMessage());
        }
    }

    private static void refused(CatalogAction action) throws Problems.Failure {
        refused(() -> {
            action.run();
            return null;
        });
    }
}
