package org.carehost.security.internal;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;

/**
 * What the framework's and Config Admin's hooks ask (bundle lifecycle, install, start levels, bundle entries, framework
 * extensions, configurations): {@link ChokePoints}' reading of the agent's hooks outside the JDK. Every request here but
 * Config Admin's is the framework's ({@link Request#framework}): its cause is found past the framework's own frames, so
 * that the framework is no plugin's deputy.
 */
final class FrameworkRequests {

    private static final String FELIX = "org.apache.felix.framework.";

    private FrameworkRequests() {
    }

    /** Whether a hook's owner is the framework's or Config Admin's. */
    static boolean covers(String owner) {
        return owner.startsWith(FELIX) || owner.startsWith("org.apache.felix.cm.impl.");
    }

    /** The request of a framework or Config Admin hook, by its owner and method. */
    static Request read(String owner, String method, Object self, Object[] args) {
        switch (owner) {
            case "org.apache.felix.framework.Felix":
                return felix(method, self, args);
            case "org.apache.felix.framework.FrameworkStartLevelImpl$BundleStartLevelImpl":
            case "org.apache.felix.framework.FrameworkStartLevelImpl":
            case "org.apache.felix.framework.StartLevelImpl":
                // Where a bundle asks: Felix.setBundleStartLevel runs later on the framework's own thread.
                return new Request(Kind.CONTAINER, "change a start level (" + method + ")", null, -1, true);
            case "org.apache.felix.framework.BundleImpl":
                if (method.equals("loadClass")) {
                    return new Request(Kind.BUNDLE_CLASS, String.valueOf(args[0]), self, -1, true);
                }
                if (method.equals("getBundleContext")) {
                    return new Request(Kind.BUNDLE, "another bundle's context", self, -1, true);
                }
                return entries(method, (org.osgi.framework.Bundle) self, args.length > 0 ? args[0] : null);
            case "org.apache.felix.framework.BundleRevisionImpl":
            case "org.apache.felix.framework.ExtensionManager$ExtensionManagerRevision":
                // the content every bundle: URL reads, whoever made the URL (the Bundle API, a class loader, by hand);
                // getEntry (what findEntries lists, on the Bundle or its BundleWiring) and getContent (entries and bytes
                // with no URL) when the agent hooks them
                org.osgi.framework.Bundle holder = ((org.osgi.framework.wiring.BundleRevision) self).getBundle();
                String asked = method.equals("getContent") ? "the content"
                        : method.equals("getEntry") ? "find " + args[0] : "read " + args[1];
                return new Request(Kind.BUNDLE_ENTRIES, asked + " in " + describe(holder), holder, -1, true);
            case "org.apache.felix.framework.BundleWiringImpl":
                // BundleWiring.findEntries and listResources list another bundle's entries by name
                org.osgi.framework.Bundle wired = ((org.osgi.framework.wiring.BundleWiring) self).getBundle();
                return new Request(Kind.BUNDLE_ENTRIES, "BundleWiring." + method + "(" + (args.length > 0 ? args[0] : "")
                        + ") on " + describe(wired), wired, -1, true);
            case "org.apache.felix.framework.ExtensionManager":
                return new Request(Kind.EXTENSION, "install a framework extension", args[0], -1, true);
            case "org.apache.felix.cm.impl.ConfigurationAdminImpl":
            case "org.apache.felix.cm.impl.ConfigurationAdapter":
                // Decided by the immediate caller: SCR reading a plugin component's configuration is the container's.
                return Request.of(Kind.CONTAINER, "use Config Admin (" + method + "): configurations are the "
                        + "operator's (etc/<pid>.cfg); a plugin's components receive theirs through Declarative Services");
            default:
                return Request.of(Kind.CONTAINER, "an unknown hook " + owner + "." + method);
        }
    }

    private static Request felix(String method, Object self, Object[] args) {
        switch (method) {
            case "installBundle":
                return new Request(Kind.CONTAINER, "install a bundle (" + args[1] + ")", null, -1, true);
            case "stop": case "update":
                return new Request(Kind.CONTAINER, method + " the framework", null, -1, true);
            case "refreshPackages":
                return new Request(Kind.CONTAINER, "refresh bundles", null, -1, true);
            case "setBundleStartLevel":
                return new Request(Kind.CONTAINER, "change a bundle's start level", null, -1, true);
            case "addBundleListener": case "addFrameworkListener":
                // red team 8: a listener that never returned held the deploy watcher, an operator's plugin:install, the
                // start-level thread and the framework's one event thread (no plugin's lifecycle logged or audited)
                return new Request(Kind.CONTAINER, "listen to the framework's " + (method.contains("Bundle") ? "bundle"
                        : "framework") + " events (its listener would run on the framework's own threads, an operator's "
                        + "commands' among them); a plugin follows plugins through the plugin manager's events "
                        + "(carehost/plugin/*)", null, -1, true);
            case "startBundle": case "updateBundle": // only its own, and not while quarantined (an update starts it)
                return new Request(Kind.BUNDLE_START, method.replace("Bundle", "") + " bundle " + args[0], args[0], -1,
                        true);
            default: // stopBundle, uninstallBundle: only its own bundle
                return new Request(Kind.BUNDLE, method.replace("Bundle", "") + " bundle " + args[0], args[0], -1, true);
        }
    }

    /** Bundle.getEntry, getEntryPaths, findEntries, getResource, getResources on a bundle (the subject). */
    private static Request entries(String method, org.osgi.framework.Bundle bundle, Object path) {
        return new Request(Kind.BUNDLE_ENTRIES, "Bundle." + method + "(" + path + ") on " + describe(bundle), bundle, -1,
                true);
    }

    private static String describe(org.osgi.framework.Bundle bundle) {
        return bundle == null ? "a bundle" : "bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
    }
}
