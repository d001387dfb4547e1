package org.carehost.launcher;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Takes the framework from level 1 (where {@code runtime.bndrun} starts it) to {@code carehost.startlevel.beginning},
 * started by the bnd launcher once it has installed every run bundle and marked each started: the framework then
 * starts them level by level ({@link StartLevels} put each at its own), the logging first, the plugins last. What the
 * bnd launcher's start-level handler did, which is off (see {@link StartLevels} for why).
 */
public final class RaiseStartLevel implements BundleActivator {

    /** Read by the bnd launcher: start this activator once the run bundles are installed and started. */
    public static final String IMMEDIATE = "AFTER_BUNDLES_START";

    /** The level the framework is taken to; the readiness check waits for it too. */
    static final String BEGINNING = "carehost.startlevel.beginning";
    private static final int DEFAULT_BEGINNING = 100;

    @Override
    public void start(BundleContext systemContext) {
        int beginning = DEFAULT_BEGINNING;
        String configured = systemContext.getProperty(BEGINNING);
        if (configured != null && !configured.isBlank()) {
            try {
                beginning = Integer.parseInt(configured.strip());
            } catch (NumberFormatException e) {
                System.err.println("carehost: " + BEGINNING + "=" + configured + " is not a whole number; using "
                        + DEFAULT_BEGINNING);
            }
        }
        FrameworkStartLevel levels = systemContext.getBundle(0).adapt(FrameworkStartLevel.class);
        if (levels.getStartLevel() < beginning) {
            levels.setStartLevel(beginning);
        }
    }

    @Override
    public void stop(BundleContext systemContext) {
        // the framework's stop takes the levels down
    }
}
