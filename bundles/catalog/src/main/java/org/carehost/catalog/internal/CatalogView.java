package org.carehost.catalog.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.Version;
import org.osgi.resource.Resource;

/**
 * All catalogs as one offer, at one moment: the resources of the catalogs that could be read, without those a
 * catalog may not offer (its trust setting) and without versions that two catalogs offer with different content
 * (a conflict: neither is installed, both are reported). The same content offered twice is offered once, from the
 * first catalog (catalogs in name order).
 */
final class CatalogView {

    record Entry(CatalogSource source, Resource resource) {
        String symbolicName() {
            return Resources.symbolicName(resource);
        }

        Version version() {
            return Resources.version(resource);
        }

        String id() {
            return symbolicName() + "@" + version();
        }

        String sha256() {
            return Resources.sha256(resource);
        }
    }

    private final List<Entry> entries;
    private final Map<Resource, Entry> byResource = new IdentityHashMap<>();
    private final Map<String, String> conflicts;
    private final List<CatalogSource.Snapshot> snapshots;
    private List<Searchable> newest;
    private aQute.bnd.osgi.repository.ResourcesRepository repository;

    /** The newest offer of one bundle, without ratings, and the lower-case text a search looks in. */
    record Searchable(Entry entry, org.carehost.catalog.Offer offer, String text) {
    }

    private CatalogView(List<Entry> entries, Map<String, String> conflicts, List<CatalogSource.Snapshot> snapshots) {
        this.entries = List.copyOf(entries);
        this.conflicts = conflicts;
        this.snapshots = List.copyOf(snapshots);
        for (Entry entry : entries) {
            byResource.put(entry.resource(), entry);
        }
    }

    static CatalogView of(List<CatalogSource.Snapshot> snapshots) {
        Map<String, List<Entry>> byId = new LinkedHashMap<>();
        List<CatalogSource.Snapshot> sorted = new ArrayList<>(snapshots);
        sorted.sort(Comparator.comparing(s -> s.source().name()));
        for (CatalogSource.Snapshot snapshot : sorted) {
            for (Resource resource : snapshot.resources()) {
                if (!snapshot.source().trusts(Resources.signer(resource))) {
                    continue;
                }
                Entry entry = new Entry(snapshot.source(), resource);
                byId.computeIfAbsent(entry.id(), id -> new ArrayList<>()).add(entry);
            }
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> conflicts = new TreeMap<>();
        for (Map.Entry<String, List<Entry>> same : byId.entrySet()) {
            List<Entry> offers = same.getValue();
            String hash = offers.get(0).sha256();
            boolean conflict = offers.stream().anyMatch(e -> !e.sha256().equals(hash));
            if (conflict) {
                StringBuilder text = new StringBuilder();
                for (Entry e : offers) {
                    text.append(text.length() == 0 ? "" : ", ").append("catalog ").append(e.source().name())
                            .append(" (sha256 ").append(e.sha256(), 0, Math.min(12, e.sha256().length())).append("…)");
                }
                conflicts.put(same.getKey(), same.getKey() + " is offered with different content by " + text
                        + "; neither is installed until one catalog is corrected or removed.");
            } else {
                entries.add(offers.get(0));
            }
        }
        return new CatalogView(entries, conflicts, sorted);
    }

    /** Whether this view was made of exactly these reads of the catalogs (then it can be used again). */
    boolean madeOf(List<CatalogSource.Snapshot> reads) {
        if (reads.size() != snapshots.size()) {
            return false;
        }
        for (CatalogSource.Snapshot read : reads) {
            if (snapshots.stream().noneMatch(s -> s == read)) {
                return false;
            }
        }
        return true;
    }

    /** The newest version of each offered bundle, by symbolic name; computed once per view. */
    synchronized List<Searchable> newest() {
        if (newest == null) {
            Map<String, Entry> byName = new TreeMap<>();
            for (Entry entry : entries) {
                Entry known = byName.get(entry.symbolicName());
                if (known == null || entry.version().compareTo(known.version()) > 0) {
                    byName.put(entry.symbolicName(), entry);
                }
            }
            List<Searchable> list = new ArrayList<>(byName.size());
            for (Entry entry : byName.values()) {
                org.carehost.catalog.Offer offer = Offers.offer(entry, Map.of());
                String text = (offer.symbolicName() + "\n" + (offer.name() == null ? "" : offer.name()) + "\n"
                        + (offer.description() == null ? "" : offer.description())).toLowerCase(java.util.Locale.ROOT);
                list.add(new Searchable(entry, offer, text));
            }
            newest = List.copyOf(list);
        }
        return newest;
    }

    List<Entry> entries() {
        return entries;
    }

    List<CatalogSource.Snapshot> snapshots() {
        return snapshots;
    }

    Entry entry(Resource resource) {
        return byResource.get(resource);
    }

    /** Conflicts, by {@code name@version}: what is offered twice with different content. */
    Map<String, String> conflicts() {
        return conflicts;
    }

    /** The versions offered of one bundle, newest first. */
    List<Entry> versions(String symbolicName) {
        List<Entry> versions = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.symbolicName().equalsIgnoreCase(symbolicName)) {
                versions.add(entry);
            }
        }
        versions.sort(Comparator.comparing(Entry::version).reversed());
        return versions;
    }

    /** The offered resources as a repository the resolver searches; indexed once per view. */
    synchronized aQute.bnd.osgi.repository.ResourcesRepository repository() {
        if (repository == null) {
            repository = new aQute.bnd.osgi.repository.ResourcesRepository(resources());
        }
        return repository;
    }

    List<Resource> resources() {
        List<Resource> resources = new ArrayList<>(entries.size());
        entries.forEach(e -> resources.add(e.resource()));
        return resources;
    }
}
