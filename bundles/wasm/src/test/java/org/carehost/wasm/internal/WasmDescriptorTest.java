package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WasmDescriptorTest {

    @Test
    void readsEntriesKindsAndAttributes() {
        List<WasmDescriptor> all = WasmDescriptor.parse(
                "plugin.wasm;kind=validator;resource=Patient;deadline-ms=500, /other.wasm;allowed-hosts=\"a.example, b.example\"");
        assertEquals(2, all.size());
        assertEquals("plugin.wasm", all.get(0).path());
        assertEquals(WasmDescriptor.Kind.VALIDATOR, all.get(0).kind());
        assertEquals("500", all.get(0).attribute("deadline-ms"));
        assertEquals("other.wasm", all.get(1).path());
        assertEquals(WasmDescriptor.Kind.MODULE, all.get(1).kind());
        assertEquals("a.example, b.example", all.get(1).attribute("allowed-hosts"));
    }

    @Test
    void refusesWhatCannotBeRun() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WasmDescriptor.parse("plugin.jar"))
                .getMessage().contains(".wasm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WasmDescriptor.parse("../x.wasm"))
                .getMessage().contains(".wasm"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> WasmDescriptor.parse("p.wasm;kind=validator")).getMessage().contains("resource="));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> WasmDescriptor.parse("p.wasm;kind=oracle")).getMessage().contains("kind=oracle"));
    }

    @Test
    void aPluginMayAskForLessNeverMore() {
        Limits ceiling = new Limits(256, 2000, 4, 1024, 1024, 5);
        Limits asked = ceiling.narrowedBy(Map.of(Limits.MEMORY_PAGES, "4", Limits.DEADLINE_MS, "99999",
                Limits.FAILURES, "2"));
        assertEquals(4, asked.memoryPages());
        assertEquals(2000, asked.deadlineMillis());
        assertEquals(2, asked.failuresToQuarantine());
        assertThrows(IllegalArgumentException.class, () -> ceiling.narrowedBy(Map.of(Limits.INSTANCES, "0")));
        assertThrows(IllegalArgumentException.class, () -> ceiling.narrowedBy(Map.of(Limits.INSTANCES, "many")));
    }

    @Test
    void thePolicyLowersMemoryAndInstancesNeverRaisesThem() {
        Limits header = new Limits(256, 2000, 4, 1024, 1024, 5).narrowedBy(Map.of(Limits.MEMORY_PAGES, "16"));
        Limits lowered = header.narrowedByPolicy(java.util.OptionalInt.of(8), java.util.OptionalInt.of(1));
        assertEquals(8, lowered.memoryPages());
        assertEquals(1, lowered.instances());
        assertEquals(2000, lowered.deadlineMillis(), "the deadline is the policy's at each call, not here");
        Limits notRaised = header.narrowedByPolicy(java.util.OptionalInt.of(1000), java.util.OptionalInt.of(60));
        assertEquals(16, notRaised.memoryPages(), "the header asked for less");
        assertEquals(4, notRaised.instances(), "the container's ceiling");
        assertEquals(header, header.narrowedByPolicy(java.util.OptionalInt.empty(), java.util.OptionalInt.empty()));
    }
}
