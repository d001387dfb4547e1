package org.carehost.notifications.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * A notifier's channel property is read without running any of the plugin's code and without iterating anything the
 * plugin can still change: only a String or a String array (copied) names channels; any collection names none.
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
    void onlyStringsAndStringArraysNameChannels() {
        assertEquals(List.of("sms"), Notifiers.channels("sms"));
        assertEquals(List.of("log", "sms"), Notifiers.channels(new String[] {"log", null, "sms"}));
        assertEquals(List.of(), Notifiers.channels(null));
        // a collection, even the JDK's own, is the plugin's object: it may change it while the outbox reads it
        // (a HashSet it keeps changing failed every delivery pass with ConcurrentModificationException, red team 15)
        assertNull(Notifiers.channels(List.of("log", "sms")));
        assertNull(Notifiers.channels(new java.util.HashSet<>(Set.of("sms"))));
    }

    @Test
    void theArrayIsCopiedSoThePluginCannotChangeWhatWasRead() {
        String[] property = {"sms"};
        List<String> read = Notifiers.channels(property);
        property[0] = "log";
        assertEquals(List.of("sms"), read);
    }

    @Test
    void aPluginsOwnCollectionOrAJdkViewOfOneIsNeverCalled() {
        assertNull(Notifiers.channels(new Hostile()));
        assertNull(Notifiers.channels(Collections.unmodifiableSet(new Hostile())));
        assertNull(Notifiers.channels(Collections.synchronizedCollection(new Hostile())));
    }
}
