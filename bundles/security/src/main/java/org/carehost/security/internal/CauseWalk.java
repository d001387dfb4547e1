package org.carehost.security.internal;

import java.util.Map;

import org.osgi.framework.Bundle;

/**
 * The rule by which a stack's frames name the plugin, if any, that is the cause of a call the agent stopped at
 * ({@link Causes#current} walks the stack and hands its frames here). The rule, as the JDK SecurityManager's stack
 * inspection had it but without {@code doPrivileged}: the stack is walked from the innermost frame outwards;
 * <ul>
 * <li>JDK frames, and frames of the libraries plugins may import (the SDK, Jackson, the OSGi utility and API
 * bundles: {@link Origins#LIBRARIES}), are passed over: they act for whoever called them, so a plugin cannot act through
 * them;</li>
 * <li>the first plugin frame makes that plugin the cause;</li>
 * <li>the first other container frame (a host service, the store, the audit journal, SCR, Event Admin, Config
 * Admin, the framework) makes the container the cause: container code called by a plugin acts on its own account,
 * and checks what plugins ask of it itself (grants, the import allow-list, the descriptor and activator checks). For
 * the framework's own hooks (bundle lifecycle, install) the framework's frames are passed over too, so that a plugin
 * cannot stop another bundle through it. Container code entered for its caller, by reflection, a method handle or
 * Jackson ({@link Origins#enteredForCaller}), is not called through an API of the container's: its frames are passed over
 * and the walk goes on (save a class initialiser, which is the class's own whoever triggers it);</li>
 * <li>a frame where a task for one of the JDK's executors runs (a fork-join task, a {@code FutureTask}) that a plugin
 * made makes that plugin the cause ({@link TaskOrigins}): work handed to the common pool is its maker's;</li>
 * <li>a stack with no such frame (a thread running only JDK code) belongs to the plugin that started the thread,
 * if one did, else to the container (a shared pool's worker is nobody's, whoever's call made the pool start it:
 * {@link PoolOwners}).</li>
 * </ul>
 * Container classes that run what their caller hands them (CareContexts.carry's wrapper) are passed over like
 * library code, when their bundle names them in the {@value Origins#ACTS_FOR_CALLER} manifest header.
 * Classes defined by a class loader a plugin created count as that plugin's. While a container bundle acts for a
 * plugin ({@link Deputies}), its own frames are passed over and its {@code actFor} frame makes that plugin the cause.
 *
 * <p>Apart from {@link Causes}, which keeps what the walk reads (whose class, loader, thread and task is whose), so the
 * rule reads in one place. Static, on the state {@code Causes} passes in: on the check path it is the same one call
 * the private method it was, with no object made and no field added.
 */
final class CauseWalk {

    private CauseWalk() {
    }

    /** The walk of {@link Causes#current}; total is the stack's depth when tasks are noted on this thread, else -1. */
    static Bundle causeIn(java.util.Iterator<StackWalker.StackFrame> it, boolean throughFramework, int total,
            boolean coercionRefused, Origins origins, Deputies deputies, TaskOrigins tasks,
            WeakIdentityMap<Bundle> threads) {
        int index = 0;
        // the checker's own frames, down to the gate, are not the call's: skip them
        StackWalker.StackFrame gate = null;
        while (it.hasNext() && gate == null) {
            StackWalker.StackFrame frame = it.next();
            index++;
            gate = frame.getDeclaringClass() == Causes.GATE ? frame : null;
        }
        boolean jdkMethodHooked = true;
        if (gate != null && gate.getMethodName().equals("check") && it.hasNext()) {
            // the hooked method itself, which may be a container bundle's (the shell's streams)
            jdkMethodHooked = ChokePoints.isJdk(it.next().getDeclaringClass());
            index++;
        }
        // a blind invoker calls a JDK method a plugin's class inherits; a hooked method of the container's own
        // (Config Admin's, which the shell's cm: commands call by reflection on the container's service) is no
        // plugin's: the operator's cm:getconfiguration was refused as an unowned call
        coercionRefused = coercionRefused && jdkMethodHooked;
        // container frames passed over because they were entered for their caller: a plugin found further out is
        // the cause unless one of them is a class initialiser (a frame's method name is dear to get: asked only then)
        java.util.List<StackWalker.StackFrame> passedOver = null;
        Deputies.Acting acting = deputies == null ? null : deputies.here();
        boolean pastTheJdk = false; // a frame with an origin of its own (not the JDK's or a library's) was met
        while (it.hasNext()) {
            StackWalker.StackFrame frame = it.next();
            int depth = total - index++;
            if (acting != null && actsFor(frame, acting, origins)) {
                if (Deputies.isMark(frame)) {
                    return acting.plugin();
                }
                continue; // the deputy bundle's own code, working for the plugin
            }
            Object origin = origins.of(frame.getDeclaringClass(), throughFramework);
            if (coercionRefused && !pastTheJdk) {
                // the first frame past the JDK's (and the libraries') is what made the call: when that is the
                // framework's filter matching, or container code that calls methods by reflection on an object a
                // plugin supplied, the JDK method was chosen by plugin data and no plugin frame is on the stack
                if (origin == Origins.FILTER) {
                    // a PrintWriter built on a filter's text (redteam-2: SCR looking a plugin's reference target up
                    // against a plugin's property emptied the data key)
                    throw new Causes.UnownedCall("a filter match (" + frame.getClassName()
                            + ") building a property value's class from the filter's text");
                }
                String invoker = BLIND_INVOKERS.get(frame.getClassName());
                if (invoker != null) {
                    throw new Causes.UnownedCall(invoker);
                }
            }
            pastTheJdk = pastTheJdk || origin != null;
            if (origin == Origins.FILTER) {
                // Filter matching acts for whoever asked for the match, and so do the framework's frames that asked
                // for it (a service look-up by a filter): past them to that caller, a plugin's getServiceReferences
                // with a value of its own, or the container's own look-up.
                throughFramework = true;
                continue;
            }
            if (origin == Origins.CONTAINER) {
                // container code, on its own account, unless it was entered for its caller: then the walk goes on
                // past the container's frames to that caller
                java.util.List<StackWalker.StackFrame> block = new java.util.ArrayList<>(8);
                block.add(frame);
                StackWalker.StackFrame caller = null;
                while (caller == null && it.hasNext()) {
                    StackWalker.StackFrame next = it.next();
                    index++;
                    if (origins.of(next.getDeclaringClass(), throughFramework) == Origins.CONTAINER) {
                        block.add(next);
                    } else {
                        caller = next;
                    }
                }
                if (caller == null || !origins.enteredForCaller(caller.getDeclaringClass())) {
                    return null;
                }
                if (passedOver == null) {
                    passedOver = block;
                } else {
                    passedOver.addAll(block);
                }
                continue;
            }
            if (origin != null) {
                return unlessInitialising((Bundle) origin, passedOver);
            }
            if (total >= 0 && TaskOrigins.isTaskFrame(frame)) {
                Bundle maker = tasks.at(depth);
                if (maker != null) {
                    return unlessInitialising(maker, passedOver);
                }
            }
        }
        return unlessInitialising(threads.get(Thread.currentThread()), passedOver);
    }

    /**
     * Container frames that call a method by reflection on an object a plugin supplied, the method chosen by the
     * plugin's data: the shell a command's function, SCR a component's lifecycle or bind method. When such a frame is
     * the first past the JDK's below a hooked call, the method called is a JDK one the plugin's class inherits (a
     * command extending java.io.File, whose delete the operator's command would run; a component whose activate is
     * File's deleteOnExit) and no frame of the plugin's is on the stack.
     */
    private static final Map<String, String> BLIND_INVOKERS = Map.of(
            "org.apache.felix.gogo.runtime.Reflective", "the shell calling a JDK method of a plugin's command by "
                    + "reflection (a command class inheriting it from a JDK class)",
            "org.apache.felix.scr.impl.inject.methods.BaseMethod", "SCR calling a JDK method of a plugin's component "
                    + "by reflection (a lifecycle or bind method inherited from a JDK class)");

    /** The plugin found, or the container if a container frame passed over on the way is a class initialiser. */
    private static Bundle unlessInitialising(Bundle plugin, java.util.List<StackWalker.StackFrame> passedOver) {
        if (plugin == null || passedOver == null) {
            return plugin;
        }
        for (StackWalker.StackFrame frame : passedOver) {
            if (frame.getMethodName().equals("<clinit>")) {
                return null; // a class's initialiser is its own, whoever triggered it
            }
        }
        return plugin;
    }

    /** Whether a frame is the deputy's: its {@code actFor} mark, or its bundle's own code. */
    private static boolean actsFor(StackWalker.StackFrame frame, Deputies.Acting acting, Origins origins) {
        if (Deputies.isMark(frame)) {
            return true;
        }
        Bundle definer = origins.bundleOf(frame.getDeclaringClass());
        return definer != null && definer.getBundleId() == acting.deputy();
    }
}
