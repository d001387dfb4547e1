package org.carehost.catalog.internal.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.carehost.catalog.CatalogStatus;
import org.carehost.catalog.InstallPlan;
import org.carehost.catalog.Offer;
import org.carehost.catalog.Outdated;
import org.carehost.catalog.PlanStep;
import org.carehost.catalog.PluginDetails;
import org.carehost.catalog.Review;
import org.carehost.plugins.PluginInfo;

/** How the catalog commands print: aligned tables and plain-text details. */
final class CatalogText {

    private CatalogText() {
    }

    static String catalogs(List<CatalogStatus> catalogs) {
        if (catalogs.isEmpty()) {
            return "No catalogs. Add one: catalog:add <name> <url> (or etc/org.carehost.catalog-<name>.cfg with url=...).";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"name", "url", "trust", "bundles", "status"});
        for (CatalogStatus c : catalogs) {
            rows.add(new String[] {c.name(), c.url(), String.join("; ", c.trust()), String.valueOf(c.resources()),
                    c.problem() == null ? "ok" : "ERROR: " + c.problem()});
        }
        return table(rows);
    }

    static String offers(List<Offer> offers) {
        if (offers.isEmpty()) {
            return "Nothing found.";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"plugin", "version", "kind", "permissions", "signer", "rating", "catalog"});
        for (Offer o : offers) {
            rows.add(new String[] {o.symbolicName(), o.version(), o.kind(), String.join(",", o.permissions()),
                    o.signer() == null ? "unsigned" : o.signer(), rating(o), o.catalog()});
        }
        return table(rows);
    }

    static String rating(Offer offer) {
        return offer.reviews() == 0 ? "-" : String.format(Locale.ROOT, "%.1f (%d)", offer.rating(), offer.reviews());
    }

    static String details(PluginDetails d) {
        StringBuilder out = new StringBuilder();
        out.append(d.symbolicName()).append(d.installedVersion() == null ? " (not installed)"
                : " (installed: " + d.installedVersion() + ")").append('\n');
        if (!d.versions().isEmpty()) {
            Offer newest = d.versions().get(0);
            line(out, "name", newest.name());
            line(out, "description", newest.description());
            line(out, "kind", newest.kind());
            line(out, "permissions", newest.permissions().isEmpty() ? "none" : String.join(", ", newest.permissions()));
            line(out, "signer", newest.signer() == null ? "unsigned" : newest.signer());
            List<String> versions = new ArrayList<>();
            d.versions().forEach(v -> versions.add(v.version() + " [" + v.catalog() + ", rating " + rating(v) + "]"));
            line(out, "versions", String.join(", ", versions));
        }
        if (d.dependencyProblem() != null) {
            line(out, "dependencies", "cannot be resolved: " + d.dependencyProblem());
        } else {
            List<String> deps = new ArrayList<>();
            d.dependencies().forEach(o -> deps.add(o.id() + " (" + (o.permissions().isEmpty() ? "no permissions"
                    : String.join(",", o.permissions())) + ")"));
            line(out, "dependencies", deps.isEmpty() ? "none to install" : String.join(", ", deps));
        }
        for (String conflict : d.conflicts()) {
            line(out, "CONFLICT", conflict);
        }
        if (d.reviews().isEmpty()) {
            line(out, "reviews", "none in this tenant");
        }
        for (Review r : d.reviews()) {
            line(out, "review", r.version() + " " + r.rating() + "/5 by " + r.author() + " (" + r.at() + "): " + r.text());
        }
        return out.toString();
    }

    static String plan(InstallPlan plan) {
        StringBuilder out = new StringBuilder("Installing " + plan.plugin() + " installs " + plan.steps().size()
                + (plan.steps().size() == 1 ? " bundle" : " bundles") + ", each as a plugin:\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"bundle", "version", "role", "permissions asked", "signer", "catalog"});
        for (PlanStep step : plan.steps()) {
            Offer o = step.offer();
            rows.add(new String[] {o.symbolicName(), o.version(), step.requested() ? "plugin" : "dependency",
                    o.permissions().isEmpty() ? "none" : String.join(",", o.permissions()),
                    o.signer() == null ? "unsigned" : o.signer(), o.catalog()});
        }
        return out.append(table(rows)).toString();
    }

    static String installed(List<PluginInfo> plugins) {
        StringBuilder out = new StringBuilder("Installed and started:");
        for (PluginInfo p : plugins) {
            out.append("\n  ").append(p.id()).append(' ').append(p.symbolicName()).append(' ').append(p.version())
                    .append(' ').append(p.state());
        }
        return out.toString();
    }

    static String outdated(List<Outdated> outdated) {
        if (outdated.isEmpty()) {
            return "Every installed plugin is at the newest version its catalogs offer.";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"plugin", "installed", "available", "catalog", "update with"});
        outdated.forEach(o -> rows.add(new String[] {o.symbolicName(), o.installed(), o.available(), o.catalog(),
                o.updatable() ? "catalog:update " + o.symbolicName() : "a new " + fileName(o.deployFile())
                        + " in the deploy folder"}));
        return table(rows);
    }

    /** The file name of a deploy-folder plugin's location (a {@code file:} URI), or the location as it is. */
    static String fileName(String location) {
        int slash = location.lastIndexOf('/');
        return oneLine(slash < 0 ? location : location.substring(slash + 1));
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format(Locale.ROOT, "  %-13s %s%n", key, value == null ? "" : oneLine(value)));
    }

    static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\t\\p{Cntrl}]+", " ");
    }

    static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = row[i] == null ? "" : oneLine(row[i]);
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
