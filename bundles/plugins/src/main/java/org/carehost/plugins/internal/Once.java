package org.carehost.plugins.internal;

import java.util.function.Supplier;

/** A value computed at the first {@link #get} and kept for the rest of one pass (one thread). */
final class Once<T> implements Supplier<T> {

    private final Supplier<T> source;
    private T value;
    private boolean done;

    Once(Supplier<T> source) {
        this.source = source;
    }

    @Override
    public T get() {
        if (!done) {
            value = source.get();
            done = true;
        }
        return value;
    }
}
