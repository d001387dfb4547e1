package org.carehost.catalog.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.carehost.catalog.CatalogException;
import org.carehost.catalog.Offer;
import org.carehost.plugins.PluginOrigin;
import org.osgi.framework.Version;
import org.osgi.resource.Resource;

/** Offers from catalog entries: describing one, choosing the one an operator names, finding a planned one again. */
final class Offers {

    private Offers() {
    }

    static Offer offer(CatalogView.Entry entry, Map<String, Reviews.Summary> summaries) {
        Resource resource = entry.resource();
        Reviews.Summary summary = summaries.getOrDefault(entry.id(), Reviews.Summary.NONE);
        return new Offer(entry.symbolicName(), entry.version().toString(), entry.source().name(),
                Resources.name(resource), Resources.attribute(resource, "description"),
                Resources.kind(resource), Resources.permissions(resource), Resources.signer(resource),
                entry.sha256(), Resources.size(resource), summary.average(), summary.count());
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

}
