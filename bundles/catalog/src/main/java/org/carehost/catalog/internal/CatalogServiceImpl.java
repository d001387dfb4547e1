package org.carehost.catalog.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.carehost.audit.AuditLog;
import org.carehost.catalog.CatalogException;
import org.carehost.catalog.CatalogService;
import org.carehost.catalog.CatalogStatus;
import org.carehost.catalog.InstallPlan;
import org.carehost.catalog.Offer;
import org.carehost.catalog.Outdated;
import org.carehost.catalog.PlanStep;
import org.carehost.catalog.PluginDetails;
import org.carehost.catalog.Review;
import org.carehost.context.ContextBinder;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.plugins.PluginOrigin;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.resource.Resource;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.resolver.Resolver;

/**
 * The catalogs as one service: offers from every configured catalog, plans from the framework's resolver, installs
 * and updates through the plugin manager (so a catalog plugin and each of its dependencies pass the checks of any
 * other plugin), reviews in the store.
 */
@Component(service = CatalogService.class)
public final class CatalogServiceImpl implements CatalogService {

    private final CatalogConfigs configs;
    private final PluginManager plugins;
    private final PlanResolver resolver;
    private final Reviews reviews;
    private final Audit audit;
    private final Artifacts artifacts;
    private final Updater updater;

    @Activate
    public CatalogServiceImpl(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference PluginManager plugins, @Reference Resolver resolver, @Reference Store store,
            @Reference AuditLog log, @Reference ContextBinder binder) {
        this.configs = new CatalogConfigs(configAdmin);
        this.plugins = plugins;
        this.resolver = new PlanResolver(context, resolver);
        this.reviews = new Reviews(store);
        this.audit = new Audit(log, binder);
        this.artifacts = new Artifacts(context.getProperty(Artifacts.FOLDER_PROPERTY));
        this.updater = new Updater(plugins, this.resolver, artifacts, audit);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(CatalogSource source) {
        configs.added(source);
    }

    void removeSource(CatalogSource source) {
        configs.removed(source);
    }

    private volatile CatalogView cached;

    /** All catalogs as read now; the same view as before while no catalog was read again (searches stay cheap). */
    private CatalogView view() {
        List<CatalogSource.Snapshot> snapshots = new ArrayList<>();
        for (CatalogSource source : configs.sources()) {
            snapshots.add(source.snapshot(false));
        }
        CatalogView last = cached;
        if (last != null && last.madeOf(snapshots)) {
            return last;
        }
        CatalogView view = CatalogView.of(snapshots);
        cached = view;
        return view;
    }

    @Override
    public List<CatalogStatus> catalogs() {
        List<CatalogStatus> statuses = new ArrayList<>();
        for (CatalogSource.Snapshot snapshot : view().snapshots()) {
            CatalogSource source = snapshot.source();
            statuses.add(new CatalogStatus(source.name(), source.url(), source.trust(), snapshot.resources().size(),
                    snapshot.problem()));
        }
        return statuses;
    }

    @Override
    public CatalogStatus add(String name, String url, List<String> trust) throws CatalogException {
        CatalogSource source = configs.add(name, url, trust);
        audit.record(AuditAction.CREATE, "catalog.add", "Catalog", source.name(), AuditOutcome.SUCCESS, source.url());
        CatalogSource.Snapshot snapshot = source.snapshot(true);
        return new CatalogStatus(source.name(), source.url(), source.trust(), snapshot.resources().size(),
                snapshot.problem());
    }

    @Override
    public void remove(String name) throws CatalogException {
        configs.remove(name);
        audit.record(AuditAction.DELETE, "catalog.remove", "Catalog", name, AuditOutcome.SUCCESS, null);
    }

    @Override
    public List<Offer> search(String text, String kind, String permission) {
        String needle = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        List<CatalogView.Searchable> matches = new ArrayList<>();
        for (CatalogView.Searchable candidate : view().newest()) {
            Offer offer = candidate.offer();
            if ((needle.isEmpty() || candidate.text().contains(needle))
                    && (kind == null || kind.equalsIgnoreCase(offer.kind()))
                    && (permission == null || offer.permissions().contains(permission))) {
                matches.add(candidate);
            }
        }
        if (matches.isEmpty()) {
            return List.of();
        }
        Map<String, Reviews.Summary> summaries = reviews.summaries(audit.tenant());
        List<Offer> found = new ArrayList<>(matches.size());
        for (CatalogView.Searchable match : matches) {
            Reviews.Summary summary = summaries.get(match.entry().id());
            found.add(summary == null ? match.offer() : offer(match.entry(), summaries));
        }
        return found;
    }

    static Offer offer(CatalogView.Entry entry, Map<String, Reviews.Summary> summaries) {
        Resource resource = entry.resource();
        Reviews.Summary summary = summaries.getOrDefault(entry.id(), Reviews.Summary.NONE);
        return new Offer(entry.symbolicName(), entry.version().toString(), entry.source().name(),
                Resources.name(resource), Resources.attribute(resource, "description"),
                Resources.kind(resource), Resources.permissions(resource), Resources.signer(resource),
                entry.sha256(), Resources.size(resource), summary.average(), summary.count());
    }

    @Override
    public PluginDetails info(String plugin) throws CatalogException {
        Spec spec = Spec.of(plugin);
        CatalogView view = view();
        Map<String, Reviews.Summary> summaries = reviews.summaries(audit.tenant());
        List<CatalogView.Entry> versions = view.versions(spec.name());
        List<String> conflicts = new ArrayList<>();
        view.conflicts().forEach((id, text) -> {
            if (id.toLowerCase(Locale.ROOT).startsWith(spec.name().toLowerCase(Locale.ROOT) + "@")) {
                conflicts.add(text);
            }
        });
        if (versions.isEmpty() && conflicts.isEmpty()) {
            throw new CatalogException("No catalog offers '" + spec.name() + "' (catalog:search shows what they offer).");
        }
        String bsn = versions.isEmpty() ? spec.name() : versions.get(0).symbolicName();
        List<Offer> offers = versions.stream().map(e -> offer(e, summaries)).toList();
        List<Offer> dependencies = new ArrayList<>();
        String problem = null;
        String installed = installedVersion(bsn);
        if (!versions.isEmpty()) {
            try {
                for (Resource resource : resolver.resolve(versions.get(0).resource(), view.repository())) {
                    CatalogView.Entry entry = view.entry(resource);
                    if (entry != null && entry != versions.get(0)) {
                        dependencies.add(offer(entry, summaries));
                    }
                }
            } catch (CatalogException e) {
                problem = e.getMessage();
            }
        }
        return new PluginDetails(bsn, offers, dependencies, problem, installed, reviews.of(audit.tenant(), bsn), conflicts);
    }

    private String installedVersion(String bsn) {
        for (PluginInfo info : plugins.list()) {
            if (info.symbolicName().equalsIgnoreCase(bsn)) {
                return info.version();
            }
        }
        return null;
    }

    @Override
    public InstallPlan plan(String plugin) throws CatalogException {
        Spec spec = Spec.of(plugin);
        CatalogView view = view();
        CatalogView.Entry target = choose(view, spec);
        String installed = installedVersion(target.symbolicName());
        if (installed != null) {
            throw new CatalogException(target.symbolicName() + " is already installed (version " + installed
                    + "); catalog:update " + target.symbolicName() + " moves it to another version.");
        }
        Map<String, Reviews.Summary> summaries = reviews.summaries(audit.tenant());
        List<PlanStep> steps = new ArrayList<>();
        for (Resource resource : resolver.resolve(target.resource(), view.repository())) {
            CatalogView.Entry entry = view.entry(resource);
            if (entry == null) {
                continue;
            }
            steps.add(new PlanStep(offer(entry, summaries), entry == target));
        }
        return new InstallPlan(target.id(), steps);
    }

    /** The offer {@code spec} names: that version, or the newest; a conflict or an unknown name is refused. */
    static CatalogView.Entry choose(CatalogView view, Spec spec) throws CatalogException {
        List<CatalogView.Entry> versions = view.versions(spec.name());
        if (spec.version() != null) {
            String conflict = view.conflicts().get(versions.isEmpty() ? spec.name() + "@" + spec.version()
                    : versions.get(0).symbolicName() + "@" + spec.version());
            if (conflict == null) {
                conflict = view.conflicts().get(spec.name() + "@" + spec.version());
            }
            if (conflict != null) {
                throw new CatalogException("Refused: " + conflict);
            }
            for (CatalogView.Entry entry : versions) {
                if (entry.version().equals(spec.version())) {
                    return entry;
                }
            }
            throw new CatalogException("No catalog offers " + spec.name() + " " + spec.version()
                    + (versions.isEmpty() ? "" : "; offered: " + versions.stream().map(e -> e.version().toString())
                            .reduce((a, b) -> a + ", " + b).orElse("")) + ".");
        }
        for (Map.Entry<String, String> conflict : view.conflicts().entrySet()) {
            if (conflict.getKey().toLowerCase(Locale.ROOT).startsWith(spec.name().toLowerCase(Locale.ROOT) + "@")
                    && (versions.isEmpty() || Version.parseVersion(conflict.getKey().substring(conflict.getKey()
                            .indexOf('@') + 1)).compareTo(versions.get(0).version()) > 0)) {
                throw new CatalogException("Refused: " + conflict.getValue());
            }
        }
        if (versions.isEmpty()) {
            throw new CatalogException("No catalog offers '" + spec.name() + "' (catalog:search shows what they offer; "
                    + "catalog:list shows catalogs that could not be read).");
        }
        return versions.get(0);
    }

    @Override
    public List<PluginInfo> install(InstallPlan plan) throws CatalogException {
        CatalogView view = view();
        List<PluginArtifact> jars = new ArrayList<>();
        for (PlanStep step : plan.steps()) {
            CatalogView.Entry entry = entryFor(view, step.offer());
            jars.add(new PluginArtifact(location(entry), artifacts.fetch(entry)));
        }
        try {
            List<PluginInfo> installed = plugins.installAll(jars);
            audit.record(AuditAction.CREATE, "catalog.install", "Plugin", plan.plugin(), AuditOutcome.SUCCESS,
                    plan.steps().stream().map(s -> s.offer().id()).reduce((a, b) -> a + ", " + b).orElse(""));
            return installed;
        } catch (PluginException e) {
            audit.record(AuditAction.CREATE, "catalog.install", "Plugin", plan.plugin(), AuditOutcome.ERROR,
                    e.getMessage());
            throw new CatalogException(e.getMessage(), e);
        }
    }

    static String location(CatalogView.Entry entry) {
        return PluginOrigin.CATALOG_LOCATION_PREFIX + entry.symbolicName() + "@" + entry.version();
    }

    /** The current entry for a planned offer; the content must still be what the plan showed. */
    static CatalogView.Entry entryFor(CatalogView view, Offer offer) throws CatalogException {
        for (CatalogView.Entry entry : view.versions(offer.symbolicName())) {
            if (entry.version().toString().equals(offer.version())) {
                if (!entry.sha256().equals(offer.sha256())) {
                    throw new CatalogException(offer.id() + " changed in its catalog since the plan was made; "
                            + "run catalog:install again to see the new plan.");
                }
                return entry;
            }
        }
        throw new CatalogException(offer.id() + " is no longer offered (a catalog changed or cannot be read now); "
                + "catalog:list says which.");
    }

    @Override
    public List<Outdated> outdated() {
        CatalogView view = view();
        List<Outdated> outdated = new ArrayList<>();
        for (PluginInfo info : plugins.list()) {
            List<CatalogView.Entry> versions = view.versions(info.symbolicName());
            if (!versions.isEmpty() && versions.get(0).version().compareTo(Version.parseVersion(info.version())) > 0) {
                outdated.add(new Outdated(info.symbolicName(), info.version(), versions.get(0).version().toString(),
                        versions.get(0).source().name()));
            }
        }
        return outdated;
    }

    @Override
    public String update(String plugin, boolean allowDowngrade) throws CatalogException {
        return updater.update(view(), Spec.of(plugin), allowDowngrade);
    }

    @Override
    public Review review(String plugin, int rating, String text) throws CatalogException {
        Spec spec = Spec.of(plugin);
        CatalogView view = view();
        String bsn;
        String version;
        if (spec.version() != null) {
            CatalogView.Entry entry = choose(view, spec);
            bsn = entry.symbolicName();
            version = entry.version().toString();
        } else {
            PluginInfo installed = plugins.list().stream().filter(i -> i.symbolicName().equalsIgnoreCase(spec.name()))
                    .findFirst().orElse(null);
            if (installed != null) {
                bsn = installed.symbolicName();
                version = Version.parseVersion(installed.version()).toString();
            } else {
                CatalogView.Entry entry = choose(view, spec);
                bsn = entry.symbolicName();
                version = entry.version().toString();
            }
        }
        Review review = reviews.save(audit.tenant(), bsn, version, rating, text, audit.who());
        audit.record(AuditAction.CREATE, "catalog.review", "Plugin", bsn + "@" + version, AuditOutcome.SUCCESS,
                "rating " + rating);
        return review;
    }

    @Override
    public int index(Path folder, Path out) throws CatalogException {
        return IndexWriter.write(folder, out);
    }
}
