package org.carehost.security.internal;

import org.osgi.framework.Bundle;

/**
 * Which objects' monitors a plugin's code may hold. Java lets any code synchronize on any object it can reach, and a
 * plugin that holds a monitor the container needs and never lets go stops the container without calling anything the
 * other checks see (red team 7: a thread of a plugin with no permission held the monitors of the framework's
 * {@code Bundle} objects, which Felix takes as a bundle's first class loads, and no shell command answered again, at
 * that start or any later one; another held {@code Thread.class}, which JDK 17 takes to number each new thread, and no
 * thread could start, not even the one a SIGTERM needs). So a plugin may not hold the monitor of:
 * <ul>
 * <li>a class no plugin defines (the JDK's, the framework's, the container's);</li>
 * <li>an object of the framework's or of a container bundle's class (a {@code Bundle}, a registration, a service),
 * but for the libraries plugins may import (a Jackson mapper, a tracker it made);</li>
 * <li>the JDK's objects that the container shares with it: a thread it did not start, a thread group, a class loader,
 * the {@code Runtime} and a file descriptor.</li>
 * </ul>
 * Its own objects, the JDK's objects it makes (a plain {@code Object} as a lock, a list), its own classes and
 * {@code System.in}, {@code out} and {@code err} (the shell's thread streams, which take no monitor of their own as they
 * pass a call on: plugins lock them to keep their lines together) are its to lock. A plugin holding {@code System.err}
 * holds up only code that locks it too, {@code Throwable.printStackTrace()} on another thread among them; the
 * container logs through Logback, which does not. {@link PluginClassWeaver} puts the check before each {@code monitorenter} of a plugin's classes; {@code
 * synchronized} methods lock the plugin's own object or class and need none. A {@code Reader} or {@code Writer} of a
 * plugin's class given a lock object is checked the same way (the JDK holds that lock around the plugin's methods).
 * Not covered: a lock JDK code takes on an object of the container's while it calls the plugin's code (a synchronized
 * collection's mutex, a JDK writer's lock); the process's standard streams format before they lock for that reason
 * (the launcher's {@code PluginPrints}).
 */
final class LockRule {

    private final Causes causes;

    LockRule(Causes causes) {
        this.causes = causes;
    }

    /**
     * Whether the object is one that may be no plugin's to lock, decided without a stack walk (a plugin's
     * {@code synchronized} block on its own objects passes here): then {@link #refusal} decides for the plugin.
     */
    boolean maybeOthers(Object object) {
        if (object instanceof Class<?>) {
            return causes.pluginOf((Class<?>) object) == null;
        }
        if (object == System.out || object == System.err || object == System.in) {
            // the shell's thread streams, whose methods pass each call on without taking their own monitor (the
            // container logs through them unhindered); plugins lock them to keep their printed lines together
            return false;
        }
        Class<?> type = object.getClass();
        if (causes.pluginOf(type) != null) {
            return false;
        }
        if (ChokePoints.isJdk(type)) {
            return object instanceof Thread || object instanceof ThreadGroup || object instanceof ClassLoader
                    || object instanceof Runtime || object instanceof java.io.FileDescriptor;
        }
        return !causes.libraryClass(type);
    }

    /** Why the plugin may not lock the object, or null; call only when {@link #maybeOthers} said so. */
    String refusal(Bundle plugin, Object object) {
        if (object instanceof Thread && causes.startedBy((Thread) object, plugin)) {
            return null;
        }
        String what = object instanceof Class<?> ? "the class " + ((Class<?>) object).getName()
                : object instanceof Thread ? "the thread '" + ((Thread) object).getName() + "', which it did not start"
                : "an object of " + object.getClass().getName();
        return "hold the lock of " + what + " (synchronized): the container and the JDK take it too, and a plugin holding "
                + "it could stop them; lock an object of its own";
    }
}
