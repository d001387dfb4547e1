package org.carehost.notifications.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A notifier's channel property is read without running any of the plugin's code: a collection of its own (whose
 * {@code contains} or iterator could block the outbox's one thread for every tenant) names no channel.
 */
class ChannelPropertyTest {

    /** A plugin's collection: any call into it fails the test. */
    private static final class Hostile extends AbstractSet<String> {
        @Override
        public Iterator<String> iterator() {
            throw new AssertionError("the plugin's iterator ran on the outbox's thread");
        }

        @Override
        public boolean contains(Object o) {
            throw new AssertionError("the plugin's contains ran on the outbox's thread");
        }

        @Override
        public int size() {
            throw new AssertionError("the plugin's size ran on the outbox's thread");
        }
    }

    @Test
    void stringsArraysAndTheJdksCollectionsNameChannels() {
        assertTrue(Delivery.serves("sms", "sms"));
        assertTrue(Delivery.serves(new String[] {"log", "sms"}, "sms"));
        assertTrue(Delivery.serves(List.of("log", "sms"), "sms"));
        assertTrue(Delivery.serves(new java.util.ArrayList<>(List.of("sms")), "sms"));
        assertFalse(Delivery.serves(Set.of("log"), "sms"));
    }

    @Test
    void aPluginsOwnCollectionOrAJdkViewOfOneIsNeverCalled() {
        assertFalse(Delivery.serves(new Hostile(), "sms"));
        assertFalse(Delivery.serves(Collections.unmodifiableSet(new Hostile()), "sms"));
        assertFalse(Delivery.serves(Collections.synchronizedCollection(new Hostile()), "sms"));
    }
}
