package org.carehost.security.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A map whose keys are compared by identity and held weakly. The checker keeps plugins' objects in it (the class
 * loaders they make, the tasks they hand to the JDK's executors), and must never call a method a plugin may override
 * while it decides: a {@code WeakHashMap} calls the key's {@code hashCode} and {@code equals}, which would run the
 * plugin's code inside the check. The JDK has no weak identity map, and the few lines here do not justify a library
 * (Caffeine's weak keys would be one more bundle on the checker's every path). Thread-safe.
 *
 * <p>A look-up takes no lock and makes no reference: every task a pool runs is looked up, on every worker at once.
 * Entries are kept in a {@link ConcurrentHashMap} under a weak reference ({@link Key}); a look-up asks it with a
 * plain {@link Probe} that holds the object only for the call and is equal to the key holding the same object.
 *
 * @param <V> the values
 */
final class WeakIdentityMap<V> {

    private final Map<Object, V> entries = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** Puts the value for the key (a null value: the key has none). */
    void put(Object key, V value) {
        expunge();
        if (value == null) {
            remove(key);
        } else {
            entries.put(new Key(key, collected), value);
        }
    }

    /** Puts only if the key has no value yet; returns whether it did (a null value: whether the key has none). */
    boolean putIfAbsent(Object key, V value) {
        expunge();
        return value == null ? get(key) == null : entries.putIfAbsent(new Key(key, collected), value) == null;
    }

    V get(Object key) {
        return key == null ? null : entries.get(new Probe(key));
    }

    V remove(Object key) {
        return key == null ? null : entries.remove(new Probe(key));
    }

    /** A copy of the live entries (the key is null once collected: such entries are left out). */
    Map<Object, V> snapshot() {
        expunge();
        Map<Object, V> copy = new java.util.IdentityHashMap<>();
        entries.forEach((key, value) -> {
            Object referent = ((Key) key).get();
            if (referent != null) {
                copy.put(referent, value);
            }
        });
        return copy;
    }

    int size() {
        expunge();
        return entries.size();
    }

    private void expunge() {
        for (Object gone = collected.poll(); gone != null; gone = collected.poll()) {
            entries.remove(gone); // a collected key is equal only to itself
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
            if (other instanceof Probe) {
                return ((Probe) other).equals(this);
            }
            if (!(other instanceof Key) || ((Key) other).hash != hash) {
                return false;
            }
            Object referent = get();
            return referent != null && referent == ((Key) other).get();
        }
    }

    /** What a look-up asks with: equal to the key that holds the same object (the map calls the probe's equals). */
    private static final class Probe {
        private final Object referent;
        private final int hash;

        Probe(Object referent) {
            this.referent = referent;
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key && ((Key) other).hash == hash && ((Key) other).get() == referent;
        }
    }
}
