package org.carehost.security.internal;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The events plugins post ({@code EventAdmin.postEvent}), each plugin's in a queue of its own: delivered in the order it
 * posted them, on the container's threads, through the real Event Admin's synchronous delivery, at most
 * {@value #MAX_QUEUED} of a plugin's waiting at once (a post over that is refused), and a waiting event whose poster has
 * been quarantined or uninstalled meanwhile dropped, not delivered. Felix Event Admin's own asynchronous queue has no
 * bound and outlives the poster: red team 19's two plugins posting 1 MB events to a slow handler (within its deadline)
 * filled the heap with that queue, which stayed after both were quarantined and crashed the container at every start.
 *
 * <p>Written here rather than taken from a library: a bounded queue per poster over a few shared threads, with a check
 * of the poster before each delivery, is what Event Admin leaves out. At most one of the threads drains one plugin's
 * queue at a time, so a plugin's events keep their order; {@value #THREADS} threads serve all plugins.
 */
final class PostQueues {

    static final int MAX_QUEUED = 256;
    static final int THREADS = 4;

    private final Supplier<EventAdmin> real;
    private final Predicate<Bundle> stopped;
    private final ThreadPoolExecutor workers;
    private final Map<Long, Queue> queues = new ConcurrentHashMap<>();

    /**
     * @param real the real Event Admin (null while it is away: events are dropped then, as its own queue would have)
     * @param stopped whether a poster's events are to be dropped (quarantined, uninstalled)
     */
    PostQueues(Supplier<EventAdmin> real, Predicate<Bundle> stopped) {
        this.real = real;
        this.stopped = stopped;
        this.workers = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "carehost-plugin-events");
                    thread.setDaemon(true);
                    return thread;
                });
        workers.allowCoreThreadTimeOut(true);
    }

    /**
     * Queues the poster's event.
     *
     * @throws IllegalStateException when {@value #MAX_QUEUED} of its events are waiting already, or the queues are
     *         closed
     */
    void post(Bundle poster, Event event) {
        Queue queue = queues.computeIfAbsent(poster.getBundleId(), id -> new Queue(poster));
        boolean start;
        synchronized (queue) {
            if (queue.events.size() >= MAX_QUEUED) {
                throw new IllegalStateException("Plugin " + poster.getSymbolicName() + " has " + MAX_QUEUED
                        + " events posted and not yet delivered (the handlers of its topics take longer than it posts): "
                        + "post again once they are delivered, or use sendEvent, which waits for them");
            }
            queue.events.add(event);
            start = !queue.draining;
            queue.draining = true;
        }
        if (start) {
            try {
                workers.execute(queue);
            } catch (RejectedExecutionException closed) {
                synchronized (queue) {
                    queue.events.clear();
                    queue.draining = false;
                }
                throw new IllegalStateException("Event Admin is stopping: the event was not posted");
            }
        }
    }

    /** Events waiting for the poster (for the tests). */
    int waiting(Bundle poster) {
        Queue queue = queues.get(poster.getBundleId());
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.events.size();
        }
    }

    /** Stops delivering: what waits is dropped. */
    void close() {
        workers.shutdownNow();
        queues.clear();
    }

    /** One plugin's waiting events, drained by one worker at a time. */
    private final class Queue implements Runnable {
        private final Bundle poster;
        /** Guarded by this. */
        private final ArrayDeque<Event> events = new ArrayDeque<>();
        /** A worker is draining it (or is about to). Guarded by this. */
        private boolean draining;

        Queue(Bundle poster) {
            this.poster = poster;
        }

        @Override
        public void run() {
            while (true) {
                Event next;
                synchronized (this) {
                    next = events.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                if (stopped.test(poster)) {
                    continue; // quarantined or uninstalled since it posted: dropped
                }
                EventAdmin admin = real.get();
                if (admin != null) {
                    try {
                        admin.sendEvent(next);
                    } catch (RuntimeException e) {
                        // Event Admin reports a handler's failure itself; the next event is delivered all the same
                    }
                }
            }
        }
    }
}
