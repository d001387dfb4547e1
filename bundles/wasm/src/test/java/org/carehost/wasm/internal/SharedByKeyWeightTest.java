package org.carehost.wasm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SharedByKeyWeightTest {

    @Test
    void theWeightOfValuesAliveIsCountedButTheOneToBeShared() {
        SharedByKey<Object> shared = new SharedByKey<>();
        Object a = shared.get("a", Object::new, 10);
        Object b = shared.get("b", Object::new, 32);
        assertEquals(42, shared.aliveWeight("c"));
        assertEquals(32, shared.aliveWeight("a"), "a caller of 'a' would share it: not counted twice");
        assertEquals(a, shared.get("a", Object::new, 99), "shared, and its weight stays the first");
        assertEquals(42, shared.aliveWeight("c"));
        assertEquals(2, shared.alive(), a.toString() + b);
    }
}
