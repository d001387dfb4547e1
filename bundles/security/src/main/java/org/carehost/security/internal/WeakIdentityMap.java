package org.carehost.security.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * A map whose keys are compared by identity and held weakly. The checker keeps plugins' objects in it (the class
 * loaders they make, the tasks they hand to the JDK's executors), and must never call a method a plugin may override
 * while it decides: a {@code WeakHashMap} calls the key's {@code hashCode} and {@code equals}, which would run the
 * plugin's code inside the check. The JDK has no weak identity map, and the few lines here do not justify a library
 * (Caffeine's weak keys would be one more bundle on the checker's every path). Thread-safe.
 *
 * @param <V> the values
 */
final class WeakIdentityMap<V> {

    private final Map<Key, V> entries = new HashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    synchronized void put(Object key, V value) {
        expunge();
        entries.put(new Key(key, collected), value);
    }

    /** Puts only if the key has no value yet; returns whether it did. */
    synchronized boolean putIfAbsent(Object key, V value) {
        expunge();
        return entries.putIfAbsent(new Key(key, collected), value) == null;
    }

    synchronized V get(Object key) {
        return key == null ? null : entries.get(new Key(key, null));
    }

    synchronized V remove(Object key) {
        return key == null ? null : entries.remove(new Key(key, null));
    }

    /** A copy of the live entries (the key is null once collected: such entries are left out). */
    synchronized Map<Object, V> snapshot() {
        expunge();
        Map<Object, V> copy = new java.util.IdentityHashMap<>();
        entries.forEach((key, value) -> {
            Object referent = key.get();
            if (referent != null) {
                copy.put(referent, value);
            }
        });
        return copy;
    }

    synchronized int size() {
        expunge();
        return entries.size();
    }

    private void expunge() {
        for (Object gone = collected.poll(); gone != null; gone = collected.poll()) {
            entries.remove(gone);
        }
    }

    /** A weak reference equal to another holding the same object, hashed by identity; a collected one only to itself. */
    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Key) || ((Key) other).hash != hash) {
                return false;
            }
            Object referent = get();
            return referent != null && referent == ((Key) other).get();
        }
    }
}
