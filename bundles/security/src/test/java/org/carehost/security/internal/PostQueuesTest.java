package org.carehost.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

class PostQueuesTest {

    private final List<Event> delivered = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch firstArrived = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** An Event Admin whose handler holds the first event until released (a slow handler). */
    private final EventAdmin slow = new EventAdmin() {
        @Override
        public void postEvent(Event event) {
            throw new AssertionError("posted events go through sendEvent");
        }

        @Override
        public void sendEvent(Event event) {
            firstArrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivered.add(event);
        }
    };

    @Test
    void aPluginsWaitingEventsAreBoundedAndKeepTheirOrder() throws Exception {
        PostQueues posts = new PostQueues(() -> slow, plugin -> stopped.get());
        Bundle poster = bundle(70);
        posts.post(poster, event(0));
        assertTrue(firstArrived.await(30, TimeUnit.SECONDS), "the first is being delivered");
        for (int i = 1; i <= PostQueues.MAX_QUEUED; i++) {
            posts.post(poster, event(i));
        }
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> posts.post(poster, event(-1)));
        assertTrue(full.getMessage().contains(PostQueues.MAX_QUEUED + " events posted and not yet delivered"),
                full.getMessage());
        posts.post(bundle(71), event(1000)); // another plugin's queue is its own
        release.countDown();
        long deadline = System.currentTimeMillis() + 30_000;
        while (delivered.size() < PostQueues.MAX_QUEUED + 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        List<Object> order = delivered.stream().filter(e -> !e.getProperty("n").equals(1000))
                .map(e -> e.getProperty("n")).toList();
        assertEquals(PostQueues.MAX_QUEUED + 1, order.size());
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i, order.get(i), "in the order posted");
        }
        posts.close();
    }

    @Test
    void theEventsOfAPosterStoppedMeanwhileAreDropped() throws Exception {
        PostQueues posts = new PostQueues(() -> slow, plugin -> stopped.get());
        Bundle poster = bundle(70);
        posts.post(poster, event(0));
        assertTrue(firstArrived.await(30, TimeUnit.SECONDS));
        for (int i = 1; i <= 10; i++) {
            posts.post(poster, event(i));
        }
        stopped.set(true); // quarantined while they wait
        release.countDown();
        long deadline = System.currentTimeMillis() + 30_000;
        while (posts.waiting(poster) > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, posts.waiting(poster));
        assertEquals(1, delivered.size(), "only the one being delivered: " + delivered);
        posts.close();
    }

    private static Event event(int n) {
        return new Event("org/example/flood", Map.of("n", n));
    }

    private static Bundle bundle(long id) {
        return (Bundle) Proxy.newProxyInstance(PostQueuesTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> "org.example.p" + id;
                    default -> null;
                });
    }
}
