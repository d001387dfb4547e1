package org.carehost.catalog.internal;

import java.nio.file.Path;
import java.time.Clock;
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
import org.carehost.clock.ContainerClock;
import org.carehost.context.ContextBinder;
import org.carehost.plugins.PluginArtifact;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginOrigin;
import org.carehost.plugins.PluginManager;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.audit.AuditOutcome;
import org.carehost.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.resource.Resource;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
            @Reference AuditLog log, @Reference ContextBinder binder, @Reference(target = ContainerClock.TARGET) Clock clock) {
        this.configs = new CatalogConfigs(configAdmin);
        this.plugins = plugins;
        this.resolver = new PlanResolver(context, resolver);
        this.reviews = new Reviews(store, clock);
        this.audit = new Audit(log, binder);
        this.artifacts = new Artifacts(context.getProperty(Artifacts.FOLDER_PROPERTY), clock);
        this.updater = new Updater(plugins, this.resolver, artifacts, audit);
        this.cleanup = new ArtifactCleanup(context, plugins, artifacts);
    }

    private final ArtifactCleanup cleanup;

    @Deactivate
    void deactivate() {
        cleanup.close();
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
        for (CatalogSource source : configs.current()) {
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
            statuses.add(new CatalogStatus(source.name(), source.shownUrl(), source.trust(), snapshot.resources().size(),
                    snapshot.problem()));
        }
        return statuses;
    }

    @Override
    public CatalogStatus add(String name, String url, List<String> trust) throws CatalogException {
        CatalogSource source = configs.add(name, url, trust);
        audit.record(AuditAction.CREATE, "catalog.add", "Catalog", source.name(), AuditOutcome.SUCCESS,
                source.shownUrl());
        CatalogSource.Snapshot snapshot = source.snapshot(true);
        return new CatalogStatus(source.name(), source.shownUrl(), source.trust(), snapshot.resources().size(),
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
            found.add(summary == null ? match.offer() : Offers.offer(match.entry(), summaries));
        }
        return found;
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
        List<Offer> offers = versions.stream().map(e -> Offers.offer(e, summaries)).toList();
        List<Offer> dependencies = new ArrayList<>();
        String problem = null;
        String installed = installedVersion(bsn);
        if (!versions.isEmpty()) {
            try {
                for (Resource resource : resolver.resolve(versions.get(0).resource(), view.repository())) {
                    CatalogView.Entry entry = view.entry(resource);
                    if (entry != null && entry != versions.get(0)) {
                        dependencies.add(Offers.offer(entry, summaries));
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
        CatalogView.Entry target = Offers.choose(view, spec);
        String installed = installedVersion(target.symbolicName());
        if (installed != null) {
            throw new CatalogException(target.symbolicName() + " is already installed (version " + installed
                    + "); catalog:update " + target.symbolicName() + " moves it to another version.");
        }
        Map<String, Reviews.Summary> summaries = reviews.summaries(audit.tenant());
        List<PlanStep> steps = new ArrayList<>();
        List<Resource> resolved;
        try {
            resolved = resolver.resolve(target.resource(), view.repository());
        } catch (CatalogException e) {
            if (view.conflicts().isEmpty()) {
                throw e;
            }
            // a bundle offered twice with different content is offered by neither: that may be what is missing
            throw new CatalogException(e.getMessage() + " Not offered because of a conflict: "
                    + String.join(" ", view.conflicts().values()), e);
        }
        for (Resource resource : resolved) {
            CatalogView.Entry entry = view.entry(resource);
            if (entry == null) {
                continue;
            }
            steps.add(new PlanStep(Offers.offer(entry, summaries), entry == target));
        }
        return new InstallPlan(target.id(), steps);
    }

    @Override
    public List<PluginInfo> install(InstallPlan plan) throws CatalogException {
        artifacts.lock().lock();
        try {
            return installLocked(plan);
        } finally {
            try {
                cleanup.prune(); // only tidies files: its failure neither hides the outcome nor keeps the lock
            } catch (RuntimeException untidy) {
                // the next install, update, uninstall or start prunes again
            } finally {
                artifacts.lock().unlock();
            }
        }
    }

    private List<PluginInfo> installLocked(InstallPlan plan) throws CatalogException {
        CatalogView view = view();
        List<PluginArtifact> jars = new ArrayList<>();
        for (PlanStep step : plan.steps()) {
            CatalogView.Entry entry = Offers.entryFor(view, step.offer());
            jars.add(new PluginArtifact(Offers.location(entry), artifacts.fetch(entry)));
        }
        try {
            List<PluginInfo> installed = plugins.installAll(jars);
            jars.forEach(jar -> artifacts.running(jar.file()));
            audit.record(AuditAction.CREATE, "catalog.install", "Plugin", plan.plugin(), AuditOutcome.SUCCESS,
                    plan.steps().stream().map(s -> s.offer().id()).reduce((a, b) -> a + ", " + b).orElse(""));
            return installed;
        } catch (PluginException e) {
            audit.record(AuditAction.CREATE, "catalog.install", "Plugin", plan.plugin(), AuditOutcome.ERROR,
                    e.getMessage());
            throw new CatalogException(e.getMessage(), e);
        }
    }

    @Override
    public List<Outdated> outdated() {
        CatalogView view = view();
        List<Outdated> outdated = new ArrayList<>();
        for (PluginInfo info : plugins.list()) {
            List<CatalogView.Entry> versions = view.versions(info.symbolicName());
            if (!versions.isEmpty() && versions.get(0).version().compareTo(Version.parseVersion(info.version())) > 0) {
                outdated.add(new Outdated(info.symbolicName(), info.version(), versions.get(0).version().toString(),
                        versions.get(0).source().name(), info.origin() == PluginOrigin.DEPLOY ? info.location() : null));
            }
        }
        return outdated;
    }

    @Override
    public String update(String plugin, boolean allowDowngrade) throws CatalogException {
        artifacts.lock().lock();
        try {
            return updater.update(view(), Spec.of(plugin), allowDowngrade);
        } finally {
            try {
                cleanup.prune(); // only tidies files: its failure neither hides the outcome nor keeps the lock
            } catch (RuntimeException untidy) {
                // the next install, update, uninstall or start prunes again
            } finally {
                artifacts.lock().unlock();
            }
        }
    }

    @Override
    public Review review(String plugin, int rating, String text) throws CatalogException {
        Spec spec = Spec.of(plugin);
        CatalogView view = view();
        String bsn;
        String version;
        if (spec.version() != null) {
            CatalogView.Entry entry = Offers.choose(view, spec);
            bsn = entry.symbolicName();
            version = entry.version().toString();
        } else {
            PluginInfo installed = plugins.list().stream().filter(i -> i.symbolicName().equalsIgnoreCase(spec.name()))
                    .findFirst().orElse(null);
            if (installed != null) {
                bsn = installed.symbolicName();
                version = Version.parseVersion(installed.version()).toString();
            } else {
                CatalogView.Entry entry = Offers.choose(view, spec);
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
