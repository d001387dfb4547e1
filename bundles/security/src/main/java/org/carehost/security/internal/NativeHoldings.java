package org.carehost.security.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;
import org.osgi.framework.Bundle;

/**
 * The native memory each plugin holds, against its budget ({@code native-memory plugin <bsn> <MB>}, default
 * {@value Policy.Budgets#DEFAULT_NATIVE_MEMORY_MB}). The heap has the JVM's bound and the allocation-rate budget; memory
 * outside the heap has neither, and a plugin with no permission can take gigabytes of it by holding zip streams
 * (each {@code Deflater} holds about 256 KiB of zlib's state, each {@code Inflater} about 40 KiB), direct buffers, or,
 * on JDK 22 and later, foreign memory from an arena, until the operating system stops the container.
 *
 * <p>What a plugin holds: each such object made while it is the cause, from its making until it is released
 * ({@code end()} of a zip stream, an arena's close that succeeded) or collected (its weak reference cleared: the JDK's
 * cleaner frees the memory then). A making that would take the plugin over its budget is refused; the plugin is not
 * quarantined for it (an object it dropped without ending counts until the garbage collector clears it, and another
 * plugin calling its code makes objects it is charged for). The cause is found on the stack as for every check: an
 * object the JDK or a library makes for its code is its own, one container code makes while serving it is the
 * container's; an object it made and handed to the container stays its own until released or collected.
 * The count is approximate by design: a zip stream's zlib state is taken at its usual size, not measured, and an
 * object no longer reachable counts until the garbage collector clears it. The record is this security manager's: a
 * new one (the bundle restarted) starts from nothing.
 *
 * <p>Written here rather than taken from a library: it is an identity- and weak-keyed ledger of a few lines, on the
 * checker's path, which must call no method a plugin could override ({@link WeakIdentityMap} for the same reason).
 */
final class NativeHoldings {

    /** zlib's deflate state at the JDK's defaults (window 15 bits, memLevel 8): 2^17 + 2^17 bytes, and its struct. */
    static final long DEFLATER_BYTES = 262_144 + 6_000;
    /** zlib's inflate state: its 32 KiB window and its struct. */
    static final long INFLATER_BYTES = 32_768 + 7_200;

    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    /** Each live holding by the object holding the memory (a zip stream, a buffer, an arena's session). */
    private final WeakIdentityMap<Holding> holdings = new WeakIdentityMap<>();
    /** The bytes each plugin holds, by bundle id. */
    private final Map<Long, AtomicLong> held = new ConcurrentHashMap<>();

    /**
     * What a call at a native-memory hook asks for: the bytes an object is about to take (a {@link Kind#NATIVE_MEMORY}
     * request: its target names them, its subject is {@code {object, bytes}}; for an arena the object is its session),
     * or an object's memory given back (a {@link Kind#NATIVE_RELEASE} request, the object its subject).
     */
    static Request request(String owner, String method, Object self, Object[] args) {
        switch (owner) {
            case "java.util.zip.Deflater":
            case "java.util.zip.Inflater":
                if (method.equals("end")) {
                    return Request.of(Kind.NATIVE_RELEASE, null, self);
                }
                boolean deflater = owner.endsWith("Deflater");
                return Request.of(Kind.NATIVE_MEMORY, deflater ? "a Deflater" : "an Inflater",
                        new Object[] {self, deflater ? DEFLATER_BYTES : INFLATER_BYTES});
            case "java.nio.DirectByteBuffer": // the target a constant: no text is made for the container's buffers
                return Request.of(Kind.NATIVE_MEMORY, "a direct buffer", new Object[] {self,
                        ((Number) args[0]).longValue()});
            case "jdk.internal.foreign.SegmentFactories": // allocateNativeSegment(size, alignment, session, ...)
                long size = ((Number) args[0]).longValue();
                return args[2] == null ? null : Request.of(Kind.NATIVE_MEMORY, "foreign memory",
                        new Object[] {args[2], size});
            default: // jdk.internal.foreign.MemorySessionImpl.close, as it returns or throws: given back if closed
                return closed(self) ? Request.of(Kind.NATIVE_RELEASE, null, self) : null;
        }
    }

    /**
     * Whether an arena's session is closed now (its close returned, or threw for a session already closed): an
     * automatic or global arena's close always throws and frees nothing, a confined one closed from another thread
     * throws and stays open. Asked through the public {@code MemorySegment.Scope} (JDK 22 and later).
     */
    private static boolean closed(Object session) {
        try {
            return !(Boolean) Class.forName("java.lang.foreign.MemorySegment$Scope").getMethod("isAlive")
                    .invoke(session);
        } catch (ReflectiveOperationException | RuntimeException notKnown) {
            return false; // counted until collected
        }
    }

    /**
     * Records what the request's object takes for the plugin, or refuses it (no quarantine) if that would take the
     * plugin over its budget.
     */
    RuntimeRules.Refusal hold(Bundle plugin, Request request, long budget) {
        drain();
        Object[] made = (Object[]) request.subject();
        long bytes = (Long) made[1];
        AtomicLong account = held.computeIfAbsent(plugin.getBundleId(), id -> new AtomicLong());
        for (long now = account.get();; now = account.get()) {
            if (now + bytes > budget) {
                return new RuntimeRules.Refusal(Policy.Budgets.NATIVE_MEMORY, "take " + request.target() + " of "
                        + bytes + " bytes: it holds " + mb(now) + " MB of native memory already, and its budget is "
                        + mb(budget) + " MB (in the policy: " + Policy.Budgets.NATIVE_MEMORY + " plugin "
                        + plugin.getSymbolicName() + " <MB>)", false);
            }
            if (account.compareAndSet(now, now + bytes)) {
                break; // taken: no other thread of the plugin's got past the budget in between
            }
        }
        synchronized (holdings) {
            Holding first = holdings.get(made[0]);
            for (Holding holding = first; holding != null; holding = holding.next) {
                if (holding.account == account) {
                    holding.add(bytes); // another allocation of this plugin's in the same arena
                    return null;
                }
            }
            // an arena may hold several plugins' allocations: each keeps its own holding, chained
            holdings.put(made[0], new Holding(made[0], collected, account, bytes, first));
        }
        return null;
    }

    /** The object's memory is given back (whoever calls: a released stream counts for nobody). */
    void released(Object object) {
        for (Holding holding = holdings.get(object); holding != null; holding = holding.next) {
            holding.release();
        }
        drain();
    }

    private void drain() {
        for (java.lang.ref.Reference<?> gone; (gone = collected.poll()) != null;) {
            ((Holding) gone).release();
        }
    }

    private static long mb(long bytes) {
        return (bytes + 512 * 1024) / (1024 * 1024);
    }

    /** What one object holds for one plugin; cleared when the object is collected, or released once. */
    private static final class Holding extends WeakReference<Object> {
        private final AtomicLong account;
        private final AtomicLong bytes;
        private final AtomicBoolean released = new AtomicBoolean();
        /** Another plugin's holding in the same object (an arena shared by plugins), or null. */
        private final Holding next;

        Holding(Object object, ReferenceQueue<Object> queue, AtomicLong account, long bytes, Holding next) {
            super(object, queue);
            this.account = account;
            this.bytes = new AtomicLong(bytes);
            this.next = next;
        }

        void add(long more) {
            bytes.addAndGet(more);
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                account.addAndGet(-bytes.get());
            }
        }
    }
}
