package org.carehost.catalog.internal.shell;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.carehost.catalog.CatalogException;
import org.carehost.catalog.CatalogService;
import org.carehost.catalog.InstallPlan;
import org.carehost.catalog.Outdated;
import org.carehost.catalog.Review;
import org.carehost.shell.Confirmation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code catalog:} scope: one call to {@link CatalogService} per command; a failure is thrown so that the shell
 * (and a piped script) sees the command fail. {@code catalog:install} shows the plan and asks before it installs in
 * the interactive shell; a script (piped input) must say {@code --yes}, and without it is refused at once.
 */
@Component(service = CatalogCommands.class, property = {
        "osgi.command.scope=catalog",
        "osgi.command.function=list",
        "osgi.command.function=add",
        "osgi.command.function=remove",
        "osgi.command.function=search",
        "osgi.command.function=info",
        "osgi.command.function=install",
        "osgi.command.function=outdated",
        "osgi.command.function=update",
        "osgi.command.function=review",
        "osgi.command.function=index"
})
public final class CatalogCommands {

    private final CatalogService catalog;

    @Activate
    public CatalogCommands(@Reference CatalogService catalog) {
        this.catalog = catalog;
    }

    @Descriptor("list the catalogs, each read now: bundles offered, or why it cannot be read")
    public String list() {
        return CatalogText.catalogs(catalog.catalogs());
    }

    @Descriptor("add (or change) a catalog: an R5 index.xml by file: or https: URL")
    public String add(
            @Descriptor("signer DN whose plugins it may offer (repeat for more); * for any")
            @Parameter(names = {"-t", "--trust"}, absentValue = "*") String trust,
            @Descriptor("catalog name") String name,
            @Descriptor("index URL") String url) throws CatalogException {
        var status = catalog.add(name, url, List.of(trust));
        return "Catalog " + status.name() + " saved (" + status.url() + "): " + (status.problem() == null
                ? status.resources() + " bundles offered." : "but it cannot be read now: " + status.problem());
    }

    @Descriptor("remove a catalog (plugins installed from it stay)")
    public String remove(@Descriptor("catalog name") String name) throws CatalogException {
        catalog.remove(name);
        return "Catalog " + name + " removed.";
    }

    @Descriptor("search the catalogs: name, symbolic name or description containing the text")
    public String search(
            @Descriptor("kind: validator, workflow, notifier, transformer, adapter, plugin, library")
            @Parameter(names = {"-k", "--kind"}, absentValue = "") String kind,
            @Descriptor("declared permission, e.g. read:patients")
            @Parameter(names = {"-p", "--permission"}, absentValue = "") String permission,
            @Descriptor("text (none: everything)") String... text) {
        return CatalogText.offers(catalog.search(text == null ? "" : String.join(" ", text),
                kind.isBlank() ? null : kind, permission.isBlank() ? null : permission));
    }

    @Descriptor("versions, description, permissions, signer, dependencies and reviews of a plugin")
    public String info(@Descriptor("symbolic name") String plugin) throws CatalogException {
        return CatalogText.details(catalog.info(plugin));
    }

    @Descriptor("install a plugin and the library bundles it needs; shows the plan and asks first")
    public String install(CommandSession session,
            @Descriptor("install without asking (scripts)") @Parameter(names = {"-y", "--yes"}, presentValue = "true",
                    absentValue = "false") boolean yes,
            @Descriptor("symbolic name, or name@version") String plugin) throws CatalogException, IOException {
        InstallPlan plan = catalog.plan(plugin);
        String shown = CatalogText.plan(plan);
        if (yes) {
            return shown + CatalogText.installed(catalog.install(plan));
        }
        switch (Confirmation.ask(session, shown, "Install?")) {
            case YES:
                return CatalogText.installed(catalog.install(plan));
            case SCRIPT:
                throw new CatalogException("Not installed: catalog:install asks for confirmation, and a script cannot "
                        + "answer; add --yes to install. The plan was:\n" + shown);
            case ENDED:
                throw new CatalogException("Not installed: no answer (the input ended); run catalog:install --yes "
                        + plugin + " to install without asking.");
            default:
                return "Not installed.";
        }
    }

    @Descriptor("installed plugins that a catalog offers in a newer version")
    public String outdated() {
        return CatalogText.outdated(catalog.outdated());
    }

    @Descriptor("update a plugin (or --all) to the newest version its catalogs offer, or to name@version")
    public String update(
            @Descriptor("update every outdated plugin") @Parameter(names = {"-a", "--all"}, presentValue = "true",
                    absentValue = "false") boolean all,
            @Descriptor("allow a lower version") @Parameter(names = {"--allow-downgrade"}, presentValue = "true",
                    absentValue = "false") boolean allowDowngrade,
            @Descriptor("symbolic name or name@version") String... plugin) throws CatalogException {
        List<String> names = plugin == null ? List.of() : Arrays.asList(plugin);
        if (all == !names.isEmpty()) {
            throw new CatalogException("Name one plugin (catalog:update <plugin>[@version]) or give --all.");
        }
        if (!all) {
            if (names.size() > 1) {
                throw new CatalogException("Name one plugin; catalog:update --all updates every outdated one.");
            }
            return catalog.update(names.get(0), allowDowngrade);
        }
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Outdated o : catalog.outdated()) {
            if (!o.updatable()) {
                // it belongs to its file in the deploy folder: said, not a failure of --all
                done.add("Skipped " + o.symbolicName() + " " + o.installed() + ": it comes from the deploy folder; put "
                        + o.available() + " there as " + CatalogText.fileName(o.deployFile()) + " to update it.");
                continue;
            }
            try {
                done.add(catalog.update(o.symbolicName(), false));
            } catch (CatalogException e) {
                failed.add(e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new CatalogException(String.join("\n", done) + (done.isEmpty() ? "" : "\n") + String.join("\n", failed));
        }
        return done.isEmpty() ? "Nothing to update." : String.join("\n", done);
    }

    @Descriptor("rate (1-5) and review a plugin version for the current tenant")
    public String review(@Descriptor("symbolic name (the installed version), or name@version") String plugin,
            @Descriptor("rating, 1 to 5") long rating,
            @Descriptor("review text") String... text) throws CatalogException {
        if (rating < 1 || rating > 5) { // here too: Gogo truncates a number too large for an int to a wrong one
            throw new CatalogException("A rating is a whole number from 1 to 5, not " + rating + ".");
        }
        Review review = catalog.review(plugin, (int) rating, text == null ? "" : String.join(" ", text));
        return "Reviewed " + review.symbolicName() + " " + review.version() + ": " + review.rating() + "/5 in tenant "
                + review.tenant() + ".";
    }

    @Descriptor("write an R5 index of a folder of plugin jars and library bundles")
    public String index(
            @Descriptor("index file (default <folder>/index.xml; .gz: gzipped)")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out,
            @Descriptor("folder of bundle jars") String folder) throws CatalogException {
        Path dir = Path.of(folder).toAbsolutePath().normalize();
        Path target = out.isBlank() ? dir.resolve("index.xml") : Path.of(out).toAbsolutePath().normalize();
        int count = catalog.index(dir, target);
        return "Indexed " + count + " bundles into " + target + " (catalog:add <name> " + target.toUri() + ").";
    }
}
