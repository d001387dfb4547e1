package org.carehost.http.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * The warnings of {@link UploadRestore}'s looks about uploaded bundles it leaves as they are ({@link UploadLook}): one
 * per location while the condition lasts, again once it came back after it went (the worker's only).
 */
final class UploadWarnings {

    private final BundleContext context;
    private final Logger log;
    private final Set<String> warnedUnknown = new HashSet<>();
    private final Set<String> warnedMismatch = new HashSet<>();

    UploadWarnings(BundleContext context, Logger log) {
        this.context = context;
        this.log = log;
    }

    /** Bundles the store knows neither the jar nor the removal of. */
    void unknown(List<String> unknown) {
        warnedUnknown.retainAll(unknown);
        for (String location : unknown) {
            Bundle bundle = context.getBundle(location);
            if (bundle != null && warnedUnknown.add(location)) {
                log.warn("Uploaded plugin {} {} ({}) is installed here, but the store knows neither its jar nor its "
                        + "removal: it stays installed, with its data. Check that this node's database (the JDBC URL, "
                        + "etc/org.carehost.store.cfg) is the one the other nodes share and is up to date. Then, to "
                        + "keep the plugin in the store again: plugin:uninstall it here and upload its jar again "
                        + "(nodes holding the same upload uninstall their copy and install the new upload); to remove "
                        + "it: plugin:uninstall it here", bundle.getSymbolicName(), bundle.getVersion(), location);
            }
        }
    }

    /** Bundles whose record names them and another upload than the store's row. */
    void mismatch(List<String> mismatch, Map<String, HeldUploads.Held> records, Map<String, String> rows) {
        warnedMismatch.retainAll(mismatch);
        for (String location : mismatch) {
            Bundle bundle = context.getBundle(location);
            if (bundle != null && warnedMismatch.add(location)) {
                log.warn("Uploaded plugin {} {} ({}) here came from upload {}, but the store keeps its jar as upload {} "
                        + "(the database is an older or newer view than this node's, or the jar was uploaded again "
                        + "elsewhere): this node keeps recording upload {}, so only that upload's removal uninstalls it "
                        + "here. If the store is the current one and the other upload is the one to follow, "
                        + "plugin:uninstall the plugin here: a look installs the store's upload", bundle.getSymbolicName(),
                        bundle.getVersion(), location, records.get(location).uploadId(), rows.get(location),
                        records.get(location).uploadId());
            }
        }
    }
}
