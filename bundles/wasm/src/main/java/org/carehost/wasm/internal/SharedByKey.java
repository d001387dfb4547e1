package org.carehost.wasm.internal;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Values made once per key and shared for as long as anyone holds them: a parsed module per module digest, the
 * compiled classes of a module per digest. Held weakly here, so a module no plugin runs any more (uninstalled, or
 * replaced by another revision) is let go by the garbage collector, classes and all; the plugins that use one hold it.
 * Each key is made under its own lock, so two plugins of one module wait for one parse, and different modules do not
 * wait for each other.
 *
 * <p>Written here because it is a dozen lines over {@link WeakReference}; a cache library would bring eviction policies
 * this does not want (a value must live exactly as long as it is used, no shorter).
 */
final class SharedByKey<V> {

    private static final class Slot<V> {
        private WeakReference<V> value;
        private long weight;
    }

    private final Map<String, Slot<V>> slots = new ConcurrentHashMap<>();

    /** The value kept under {@code key}, or a new one from {@code make} (an exception from it is the caller's). */
    V get(String key, Supplier<V> make) {
        return get(key, make, 0);
    }

    /** {@link #get(String, Supplier)}, a new value counted with {@code weight} in {@link #aliveWeight}. */
    V get(String key, Supplier<V> make, long weight) {
        Slot<V> slot = slots.computeIfAbsent(key, k -> new Slot<>());
        synchronized (slot) {
            V value = slot.value == null ? null : slot.value.get();
            if (value == null) {
                value = make.get();
                slot.value = new WeakReference<>(value);
                slot.weight = weight;
            }
            return value;
        }
    }

    /** The weight of the values alive now, but the one under {@code except} (which a caller would share). */
    long aliveWeight(String except) {
        long weight = 0;
        for (Map.Entry<String, Slot<V>> entry : slots.entrySet()) {
            Slot<V> slot = entry.getValue();
            synchronized (slot) {
                if (!entry.getKey().equals(except) && slot.value != null && slot.value.get() != null) {
                    weight += slot.weight;
                }
            }
        }
        return weight;
    }

    /** Values alive now (for wasm:list and the tests). */
    int alive() {
        int alive = 0;
        for (Slot<V> slot : slots.values()) {
            synchronized (slot) {
                alive += slot.value != null && slot.value.get() != null ? 1 : 0;
            }
        }
        return alive;
    }
}
