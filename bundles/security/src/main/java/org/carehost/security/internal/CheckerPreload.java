package org.carehost.security.internal;

import org.carehost.sdk.security.PermissionDeniedException;
import org.osgi.service.log.Logger;

/**
 * What {@link RuntimeEnforcement} loads before it claims the agent's gate, so that no check ever needs a class first
 * loaded inside it: the checker's own classes, and the hooked classes that are not the JDK's.
 */
final class CheckerPreload {

    private CheckerPreload() {
    }

    /**
     * Loads, before the claim, the hooked classes that are not the JDK's (the framework's, Config Admin's, the shell's;
     * the agent names them, and loads the JDK's itself): a class first loaded on a plugin's thread whose stack was run
     * out on purpose could meet the error inside the JDK's own transform code, which then defines it without its hooks.
     * The framework's through its own class loader, the others through the bundle that holds them, if it is resolved
     * by now (one that starts later loads them on the container's thread as it starts, before any plugin runs).
     */
    static void theHookedContainerClasses(Class<?> gate, Causes causes, Logger logger) {
        String[] names;
        try {
            names = (String[]) gate.getMethod("hookedOutsideTheJdk").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException olderAgent) {
            return; // an agent that loads none of them ahead (claim() says whether it is of another version)
        }
        org.osgi.framework.Bundle own = org.osgi.framework.FrameworkUtil.getBundle(RuntimeEnforcement.class);
        org.osgi.framework.BundleContext context = own == null ? null : own.getBundleContext();
        if (context == null) {
            return;
        }
        ClassLoader framework = context.getBundle(0).getClass().getClassLoader();
        for (String name : names) {
            try {
                Class.forName(name, false, framework);
                continue;
            } catch (ClassNotFoundException notTheFrameworks) {
                // a bundle's: below
            } catch (LinkageError e) {
                logger.warn("Security: could not load {} ahead of the claim: {}", name, e.toString());
                continue;
            }
            String entry = name.replace('.', '/') + ".class";
            for (org.osgi.framework.Bundle bundle : context.getBundles()) {
                if ((bundle.getState() & (org.osgi.framework.Bundle.RESOLVED | org.osgi.framework.Bundle.STARTING
                        | org.osgi.framework.Bundle.ACTIVE | org.osgi.framework.Bundle.STOPPING)) == 0
                        || bundle.getBundleId() == 0 || !causes.isContainer(bundle) || bundle.getEntry(entry) == null) {
                    // a plugin's class of a hooked name is its own copy, and loading it could start it (a lazy plugin)
                    continue;
                }
                try {
                    bundle.loadClass(name);
                } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                    logger.warn("Security: could not load {} ahead of the claim: {}", name, e.toString());
                }
            }
        }
    }

    /**
     * Loads, now, every class of this package and the SDK's exception: the gate keeps this checker after the security
     * manager stops (in lockdown), and after its framework stops too (a JVM that runs one framework after another, as
     * a test runner does, until the next security manager claims the gate), when its bundle's class loader can load
     * nothing more. A class first needed then (the network reader at the first socket, say) would fail the JVM's own
     * call with a NoClassDefFoundError instead of being checked.
     */
    static void everyClassACheckMayNeed(Logger logger) {
        PermissionDeniedException.class.getName();
        org.osgi.framework.Bundle self = org.osgi.framework.FrameworkUtil.getBundle(RuntimeEnforcement.class);
        java.util.Enumeration<java.net.URL> classes = self == null ? null
                : self.findEntries(RuntimeEnforcement.class.getPackageName().replace('.', '/'), "*.class", false);
        while (classes != null && classes.hasMoreElements()) {
            String path = classes.nextElement().getPath();
            String name = path.substring(path.indexOf("org/carehost/"), path.length() - ".class".length())
                    .replace('/', '.');
            try {
                Class.forName(name, false, RuntimeEnforcement.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                logger.warn("Security: could not load {} ahead of the checks: {}", name, e.toString());
            }
        }
    }
}
