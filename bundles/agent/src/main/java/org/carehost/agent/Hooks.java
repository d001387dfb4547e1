package org.carehost.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JDK's (and the framework's) choke points the agent hooks: at the entry of each, a call to the gate with the
 * hook's id ({@code owner.method}), the receiver (or one of its fields) and the arguments. What each hook means, and
 * who may pass it, is the security manager's decision ({@code ChokePoints} there); this is only where.
 *
 * <p>The list follows what a review of the JDK's surface found (Elasticsearch's entitlement list was the reference for
 * its width): file open, create, delete, attributes and listing at {@code java.io} and at the default file-system
 * provider; every socket at {@code sun.nio.ch.Net}, through which socket, channel, asynchronous channel, datagram and
 * HTTP client connections all pass, plus datagram sends, Unix-domain sockets and name lookups; process start at its
 * one funnel; exit, halt and shutdown hooks; native libraries (and the foreign linker where it exists); environment
 * and system properties; {@code setAccessible} and private lookups; class loader creation; thread start, control and
 * enumeration; the standard streams; JDK tools; JMX and JFR; JDK logging configuration; the framework's bundle
 * lifecycle, install and extension paths; and Config Admin's reads and writes. A method missing on a JDK is simply not hooked there.
 * The lists themselves are data apart: {@link EntryHookTable} (at a method's entry or exit) and {@link CallSiteTable}
 * (at a call inside a method).
 */
final class Hooks {

    /** How the hook passes the receiver: none (static), the receiver, or one of its fields. */
    enum Self { NONE, THIS, FIELD }

    /**
     * @param exit the hook sits at each end of the method instead of at its entry (a task's run is over), whatever way
     *        it is left: before each return, and in a handler around the whole body for what it throws, which is
     *        thrown on; its id is the method's with {@value #EXIT_SUFFIX} appended
     */
    record Hook(String owner, String method, String descriptorPrefix, Self self, String field, String fieldDescriptor,
            boolean exit) {

        String id() {
            // no string concatenation: its first use bootstraps StringConcatFactory (the agent's thread, beside main)
            return new StringBuilder(owner.length() + method.length() + 4).append(owner.replace('/', '.')).append('.')
                    .append(method).append(exit ? EXIT_SUFFIX : "").toString();
        }

        boolean matches(String name, String descriptor) {
            return method.equals(name) && (descriptorPrefix == null || descriptor.startsWith(descriptorPrefix));
        }
    }

    /** What an exit hook's id ends with. */
    static final String EXIT_SUFFIX = "End";

    /**
     * What a call-site hook passes: nothing; the callee's receiver as its self; or the hooked method's own receiver
     * ({@code this}) as its self and the value on top of the operand stack (the callee's last argument, or its receiver
     * when it takes none) as its one argument; or, the same, with the hooked method's first argument as its self; or
     * ({@link #AROUND}) nothing, and a second call of the gate, with the id and {@value #EXIT_SUFFIX}, right after the
     * call returns or throws (what it throws goes on unchanged): a boundary around that one call.
     */
    enum Pass { NONE, RECEIVER, THIS_AND_TOP, ARGUMENT_AND_TOP, AROUND }

    /**
     * A hook at a call site inside a method rather than at a method's entry: just before each call of {@code callee}
     * in {@code owner.method}, the gate is called with the hook's own id, and with the callee's receiver (then on the
     * operand stack) as its self when {@code receiver} is set. Such a hook fires only where that method's own code
     * makes that call, so no other code can make it fire: not a plugin calling an overridable method, nor a subclass
     * that overrides it without calling super. {@code method} is a name, or a name and descriptor run together
     * ({@code <init>(Ljava/lang/String;Z)V}) where only one of several overloads makes the call.
     */
    record Call(String owner, String method, String calleeOwner, String callee, String calleeDescriptor, String id,
            Pass pass) {

        Call(String owner, String method, String calleeOwner, String callee, String calleeDescriptor, String id,
                boolean receiver) {
            this(owner, method, calleeOwner, callee, calleeDescriptor, id, receiver ? Pass.RECEIVER : Pass.NONE);
        }

        /** The id of the gate's call after an {@link Pass#AROUND} call. */
        String endId() {
            return new StringBuilder(id.length() + EXIT_SUFFIX.length()).append(id).append(EXIT_SUFFIX).toString();
        }

        boolean at(String owner, String name, String descriptor) {
            return calleeOwner.equals(owner) && callee.equals(name) && calleeDescriptor.equals(descriptor);
        }

        /** Whether this call hook is in the method of that name and descriptor. */
        boolean in(String name, String descriptor) {
            return method.indexOf('(') < 0 ? method.equals(name) : method.equals(name + descriptor);
        }
    }

    private final Map<String, List<Hook>> byOwner = new HashMap<>();

    Hooks() {
        for (String line : EntryHookTable.TABLE) {
            String[] words = line.split(" ");
            String descriptor = null;
            Self self = Self.NONE;
            String field = null;
            String fieldDescriptor = null;
            boolean exit = false;
            for (int i = 2; i < words.length; i++) {
                if (words[i].startsWith("(")) {
                    descriptor = words[i];
                } else if (words[i].equals("exit")) {
                    exit = true;
                } else if (words[i].equals("this")) {
                    self = Self.THIS;
                } else if (words[i].startsWith("field:")) {
                    String[] parts = words[i].split(":", 3);
                    self = Self.FIELD;
                    field = parts[1];
                    fieldDescriptor = parts[2];
                }
            }
            // no lambda here: the JVM's first lambdas would be spun before main
            List<Hook> hooks = byOwner.get(words[0]);
            if (hooks == null) {
                hooks = new ArrayList<>();
                byOwner.put(words[0], hooks);
            }
            hooks.add(new Hook(words[0], words[1], descriptor, self, field, fieldDescriptor, exit));
        }
    }

    /** The hooks in a class, by its internal name; empty if none. */
    List<Hook> in(String internalName) {
        return byOwner.getOrDefault(internalName, List.of());
    }

    /** The call-site hooks in a class, by its internal name; empty if none. */
    List<Call> callsIn(String internalName) {
        List<Call> calls = new ArrayList<>();
        for (Call call : CallSiteTable.CALLS) {
            if (call.owner().equals(internalName)) {
                calls.add(call);
            }
        }
        return calls;
    }

    /**
     * Whether a class has a hook that is not at a method's entry (at an exit, or at a call site): replacing such a class
     * while one of its methods runs (a pool worker's loop) would leave that invocation without the hook when it gets
     * there, so it is hooked before anything else runs.
     */
    boolean hooksInsideMethods(String internalName) {
        for (Hook hook : in(internalName)) {
            if (hook.exit()) {
                return true;
            }
        }
        return !callsIn(internalName).isEmpty();
    }

    /** Every class with a hook, by internal name. */
    java.util.Set<String> owners() {
        java.util.Set<String> owners = new java.util.HashSet<>(byOwner.keySet());
        for (Call call : CallSiteTable.CALLS) {
            owners.add(call.owner());
        }
        return owners;
    }

    /**
     * Each hook id and the class whose method calls the gate with it, by binary name ({@code id, owner, id, owner, ...}):
     * the gate refuses a check from any other class.
     */
    String[] callers() {
        List<String> pairs = new ArrayList<>();
        for (List<Hook> hooks : byOwner.values()) {
            for (Hook hook : hooks) {
                pairs.add(hook.id());
                pairs.add(hook.owner().replace('/', '.'));
            }
        }
        for (Call call : CallSiteTable.CALLS) {
            pairs.add(call.id());
            pairs.add(call.owner().replace('/', '.'));
            if (call.pass() == Pass.AROUND) {
                pairs.add(call.endId());
                pairs.add(call.owner().replace('/', '.'));
            }
        }
        return pairs.toArray(new String[0]);
    }

    /** Every hook id, for the checker's own consistency test. */
    List<String> ids() {
        List<String> ids = new ArrayList<>();
        byOwner.values().forEach(hooks -> hooks.forEach(hook -> ids.add(hook.id())));
        CallSiteTable.CALLS.forEach(call -> {
            if (!ids.contains(call.id())) {
                ids.add(call.id());
            }
            if (call.pass() == Pass.AROUND && !ids.contains(call.endId())) {
                ids.add(call.endId());
            }
        });
        return ids;
    }
}
