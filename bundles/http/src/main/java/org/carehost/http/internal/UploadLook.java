package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one look of {@link UploadRestore} decides about the uploaded bundles installed here, from state alone: the
 * bundles (location and id), which upload each came from ({@link HeldUploads}), the store's rows (location and upload
 * id) and its tombstones (each upload uninstalled, {@link UploadStore.Removal}).
 * <ul>
 * <li><b>Uninstall</b> a bundle only when the store holds a tombstone for the very upload this installation came from
 * (its record names this bundle's id). A tombstone of an earlier upload of the same jar never applies to a later
 * installation of it: the jar uninstalled here and uploaded again is another bundle id, another upload id.</li>
 * <li><b>Adopt</b> the row's upload for a bundle with a row whose record is missing (an upload of this node being
 * recorded, or a node that ran an earlier version), names another bundle, or names another upload (the same jar
 * uploaded again after an uninstall this node did not see): a later tombstone of that upload then applies here.</li>
 * <li><b>Unknown</b>: a bundle whose upload is recorded here, of which the store has neither row nor tombstone. It
 * stays: a store that lost rows (another database, an older backup, a replica behind) must not read as "all uninstalled".
 * {@link UploadRestore} warns about it.</li>
 * </ul>
 * A bundle with neither record nor row is left alone silently: an upload of this node's own, installed before it is
 * kept.
 */
final class UploadLook {

    /** The decisions of one look. */
    record Plan(List<String> uninstall, Map<String, HeldUploads.Held> adopt, List<String> unknown) {
    }

    private UploadLook() {
    }

    /**
     * @param installed the uploaded bundles installed here: location to bundle id
     * @param held which upload each came from, as recorded
     * @param rows the store's rows: location to upload id
     * @param removed the store's tombstones
     */
    static Plan decide(Map<String, Long> installed, Map<String, HeldUploads.Held> held, Map<String, String> rows,
            Set<UploadStore.Removal> removed) {
        List<String> uninstall = new ArrayList<>();
        Map<String, HeldUploads.Held> adopt = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        installed.forEach((location, bundleId) -> {
            HeldUploads.Held record = held.get(location);
            boolean ours = record != null && record.bundleId() == bundleId;
            String row = rows.get(location);
            if (ours && removed.contains(new UploadStore.Removal(location, record.uploadId()))) {
                uninstall.add(location);
            } else if (row != null) {
                if (!ours || !record.uploadId().equals(row)) {
                    adopt.put(location, new HeldUploads.Held(row, bundleId));
                }
            } else if (ours) {
                unknown.add(location);
            }
        });
        return new Plan(uninstall, adopt, unknown);
    }
}
