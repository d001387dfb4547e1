package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

import org.carehost.security.internal.RuntimeRules.Refusal;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class DescriptorReserveTest {

    private final AtomicLong open = new AtomicLong(100);
    private final AtomicLong counts = new AtomicLong();
    private final DescriptorReserve reserve = new DescriptorReserve(1000, () -> {
        counts.incrementAndGet();
        return open.get();
    });

    @Test
    void pluginsMakeDescriptorsUntilThreeQuartersOfTheLimitAreOpen() {
        Bundle looping = bundle(70);
        int made = 0;
        Refusal refusal = null;
        while (refusal == null && made < 2000) {
            refusal = reserve.make(looping);
            if (refusal == null) {
                made++;
                open.incrementAndGet(); // it keeps each one
            }
        }
        assertNotNull(refusal, "refused before the limit");
        assertEquals(650, made, "100 open, ceiling 750: 650 more for plugins");
        assertEquals(DescriptorReserve.RULE, refusal.permission());
        assertTrue(refusal.quarantine(), "the plugin that made them is quarantined: " + refusal.reason());
        assertTrue(refusal.reason().contains("750 of its 1000"), refusal.reason());
        assertTrue(counts.get() < 30, "counted about every " + DescriptorReserve.RECOUNT_EVERY + " descriptors, not "
                + counts.get() + " times");
    }

    @Test
    void anotherPluginAtTheCeilingIsRefusedButNotQuarantinedAndRoomComesBackAsDescriptorsClose() {
        Bundle looping = bundle(70);
        Bundle bystander = bundle(71);
        while (reserve.make(looping) == null) {
            open.incrementAndGet();
        }
        Refusal refusal = reserve.make(bystander);
        assertNotNull(refusal);
        assertFalse(refusal.quarantine(), "it made one: " + refusal.reason());
        open.set(200); // the looping plugin's descriptors closed (its stop, the collector)
        assertNull(reserve.make(bystander), "counted again at once while at the ceiling");
    }

    @Test
    void uncountableMeansNoRoomAndNoLimitMeansOff() {
        DescriptorReserve blind = new DescriptorReserve(1000, () -> -1);
        for (int i = 0; i < DescriptorReserve.RECOUNT_EVERY; i++) {
            assertNull(blind.make(bundle(70)), "not counted yet");
        }
        assertNotNull(blind.make(bundle(70)), "none left to list them with: the process is out");
        DescriptorReserve off = new DescriptorReserve(0, () -> 1_000_000);
        for (int i = 0; i < 500; i++) {
            assertNull(off.make(bundle(70)));
        }
        assertTrue(DescriptorReserve.makesDescriptor("java.io.FileInputStream.open"));
        assertFalse(DescriptorReserve.makesDescriptor("java.io.File.exists"));
    }

    private static Bundle bundle(long id) {
        return (Bundle) Proxy.newProxyInstance(DescriptorReserveTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getBundleId") ? id : null);
    }
}
