package org.carehost.sdk.testkit;

/**
 * What became of one resource of {@link Carehost#importResources}: the host's import outcome as the test sees it.
 *
 * @param source the document's name, and for a Bundle entry its index ({@code test.json#entry[2]})
 * @param status {@code CREATED}, {@code UPDATED} (a new version of the patient with the same medical record number),
 *        {@code FAILED} (refused: the message says why) or {@code NOT_STORED} (fine, but its transaction Bundle failed)
 * @param id the stored patient's id, or null when it was not stored
 * @param message why it failed, what the validators warned of, or which patient it updated; may be null
 */
public record Imported(String source, String status, String id, String message) {

    /** Whether it was stored (created or updated). */
    public boolean stored() {
        return "CREATED".equals(status) || "UPDATED".equals(status);
    }
}
