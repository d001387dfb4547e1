package org.carehost.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A look's decisions, driven directly: only a tombstone of the very upload a bundle here came from uninstalls it; a
 * row's absence never does.
 */
class UploadLookTest {

    private static final String A = "upload:aa";
    private static final String B = "upload:bb";

    @Test
    void aStoreThatLostTheRowsUninstallsNothingAndNamesWhatItDoesNotKnow() {
        UploadLook.Plan plan = UploadLook.decide(Map.of(A, 7L, B, 8L),
                Map.of(A, new HeldUploads.Held("u1", 7), B, new HeldUploads.Held("u2", 8)), Map.of(), Set.of());
        assertEquals(List.of(), plan.uninstall());
        assertEquals(Set.of(A, B), Set.copyOf(plan.unknown()));
        assertEquals(Map.of(), plan.adopt());
    }

    @Test
    void aTombstoneOfTheUploadHeldHereUninstallsIt() {
        UploadLook.Plan plan = UploadLook.decide(Map.of(A, 7L, B, 8L),
                Map.of(A, new HeldUploads.Held("u1", 7), B, new HeldUploads.Held("u2", 8)), Map.of(B, "u2"),
                Set.of(new UploadStore.Removal(A, "u1")));
        assertEquals(List.of(A), plan.uninstall());
        assertEquals(List.of(), plan.unknown());
    }

    @Test
    void aJarUninstalledAndUploadedAgainIsNeverUndoneByALookBeforeItIsRecorded() {
        // A (upload u1, bundle 7) was uninstalled here: tombstone u1. Uploaded again: bundle 12, not yet kept nor
        // recorded; even with the old record still there, the look leaves it alone.
        Set<UploadStore.Removal> removed = Set.of(new UploadStore.Removal(A, "u1"));
        UploadLook.Plan beforeKept = UploadLook.decide(Map.of(A, 12L), Map.of(A, new HeldUploads.Held("u1", 7)),
                Map.of(), removed);
        assertEquals(List.of(), beforeKept.uninstall());
        assertEquals(List.of(), beforeKept.unknown(), "not yet kept: an upload of this node, no warning");
        assertEquals(Map.of(), beforeKept.adopt());
        UploadLook.Plan withoutRecord = UploadLook.decide(Map.of(A, 12L), Map.of(), Map.of(), removed);
        assertEquals(List.of(), withoutRecord.uninstall());
        // kept (row u2) but not yet recorded: the look records it under its new upload, and still uninstalls nothing
        UploadLook.Plan keptNotRecorded = UploadLook.decide(Map.of(A, 12L), Map.of(A, new HeldUploads.Held("u1", 7)),
                Map.of(A, "u2"), removed);
        assertEquals(List.of(), keptNotRecorded.uninstall());
        assertEquals(Map.of(A, new HeldUploads.Held("u2", 12)), keptNotRecorded.adopt());
    }

    @Test
    void aJarUninstalledAndUploadedAgainElsewhereIsUninstalledHereThenComesBackAsTheNewUpload() {
        UploadLook.Plan plan = UploadLook.decide(Map.of(A, 7L), Map.of(A, new HeldUploads.Held("u1", 7)),
                Map.of(A, "u2"), Set.of(new UploadStore.Removal(A, "u1")));
        assertEquals(List.of(A), plan.uninstall(), "the data of the removed upload goes, as it did there");
    }

    @Test
    void aRowFoundForABundleHereIsRecordedAndAMatchingRecordIsLeftAsItIs() {
        assertEquals(Map.of(A, new HeldUploads.Held("u3", 7)), UploadLook.decide(Map.of(A, 7L),
                Map.of(A, new HeldUploads.Held("u1", 7)), Map.of(A, "u3"), Set.of()).adopt());
        assertEquals(Map.of(A, new HeldUploads.Held("u1", 7)), UploadLook.decide(Map.of(A, 7L), Map.of(),
                Map.of(A, "u1"), Set.of()).adopt(), "a node of an earlier version: records what it finds");
        UploadLook.Plan settled = UploadLook.decide(Map.of(A, 7L), Map.of(A, new HeldUploads.Held("u1", 7)),
                Map.of(A, "u1"), Set.of(new UploadStore.Removal(A, "u0")));
        assertEquals(new UploadLook.Plan(List.of(), Map.of(), List.of()), settled);
    }
}
