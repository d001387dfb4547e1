package org.carehost.plugins;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Whether the framework has finished starting the container and its plugins: one definition, used by readiness
 * ({@code carehost:status}, script mode's first command) and by the work that needs plugins back before it counts their
 * absence as a failure (the outbox's deliveries).
 *
 * <p>The framework's start level must have reached the beginning level and every installed bundle's level.
 * {@code carehost.jar}'s launcher starts the framework at level 1 and raises it to its own beginning level once the
 * bundles are installed, and says which level in {@value #LAUNCHER_BEGINNING}; another launcher (Pax Exam) may keep its
 * beginning level to itself, hence the bundles' levels. Reaching a bundle's level is not enough either: Felix makes a
 * level the active one before it starts that level's bundles one by one, and makes the requested level active only
 * once every bundle below it has been started.
 */
public final class ContainerStart {

    /** The framework property in which {@code carehost.jar}'s launcher says the level it raises the framework to. */
    public static final String LAUNCHER_BEGINNING = "carehost.startlevel.beginning";

    private ContainerStart() {
    }

    /** The start level the framework is at now. */
    public static int level(BundleContext context) {
        return context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
    }

    /** The start level at which the container and its plugins have been started (see the class comment). */
    public static int target(BundleContext context) {
        int target = Math.max(level(context.getProperty("org.osgi.framework.startlevel.beginning")),
                level(context.getProperty(LAUNCHER_BEGINNING)));
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getBundleId() != 0) {
                target = Math.max(target, bundle.adapt(BundleStartLevel.class).getStartLevel());
            }
        }
        return target;
    }

    /** True once the framework's start level has reached {@link #target}. */
    public static boolean reached(BundleContext context) {
        return level(context) >= target(context);
    }

    private static int level(String property) {
        if (property == null || property.isBlank()) {
            return 1;
        }
        try {
            return Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            return 1; // the launcher says so at start and uses its default; the framework would not have started
        }
    }
}
