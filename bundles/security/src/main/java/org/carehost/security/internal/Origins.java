package org.carehost.security.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

/**
 * What a frame's class says of the cause of a call, for {@link Causes}' walk: the JDK's and the libraries' frames are
 * passed over (they act for their caller), a plugin's class names the plugin, any other the container; and whether
 * container code was entered for its caller (by reflection, a method handle or Jackson). Classes defined by a class
 * loader a plugin created are that plugin's.
 */
final class Origins {

    /** Jackson's bundles (a symbolic name prefix): a library, and code that may be entered for its caller. */
    static final String JACKSON = "com.fasterxml.jackson.";

    /** Container bundles plugins may import from, whose code acts for its caller (symbolic name prefixes). */
    static final java.util.List<String> LIBRARIES = java.util.List.of("org.carehost.sdk", JACKSON, "org.osgi.util.",
            "org.osgi.service.", "slf4j.api", "org.apache.aries.spifly");

    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private final PluginScope scope;
    // by identity: a plugin's ClassLoader subclass may override hashCode and equals
    private final WeakIdentityMap<Bundle> loaders = new WeakIdentityMap<>();

    Origins(PluginScope scope) {
        this.scope = scope;
    }

    /**
     * Marks a class loader as created by a plugin: classes it defines are the plugin's. A loader is made once, so one
     * already known keeps its plugin (red team 13 had a known loader recorded again, for another plugin, through a
     * forged call of the gate, which the gate now refuses).
     */
    void created(ClassLoader loader, Bundle plugin) {
        loaders.putIfAbsent(loader, plugin);
    }

    /** The plugin that made this class loader, or null. */
    Bundle loaderOwner(ClassLoader loader) {
        return loaders.get(loader);
    }

    /** A class loader a previous security manager knew as a plugin's ({@link Provenance#adopt}); one known here stays. */
    void adoptLoader(ClassLoader loader, Bundle plugin) {
        loaders.putIfAbsent(loader, plugin);
    }

    /** The class loaders plugins created, with their plugin (for the next security manager: {@link Provenance#record}). */
    java.util.Map<Object, Bundle> createdLoaders() {
        return loaders.snapshot();
    }

    /**
     * Whether container code was entered for its caller, not called by it: by reflection or a method handle (a plugin
     * granted use:reflection invoking a public method of a container class; Jackson setting a property), or by Jackson
     * itself (a serializer or deserializer a container class names, which a plugin's mapper can be driven to by class
     * name). Container code entered so acts for whoever is found further out; a class's initialiser stays its own.
     */
    boolean enteredForCaller(Class<?> caller) {
        String name = caller.getName();
        if (name.startsWith("java.lang.reflect.") || name.startsWith("jdk.internal.reflect.")
                || name.startsWith("java.lang.invoke.")) {
            return true;
        }
        Bundle container = containerBundle(definers.get(caller));
        return container != null && String.valueOf(container.getSymbolicName()).startsWith(JACKSON);
    }

    /** "A container frame": the walk stops there. */
    static final Object CONTAINER = new Object();

    /**
     * "A frame of the framework's filter matching", which builds an object of a property value's own class from the
     * filter's text by reflection (the OSGi filter rules: a {@code PrintWriter} made so opens that file, a {@code URL}
     * looks its host up, a {@code Timer} starts a thread): it acts for whoever asked for the match (Causes).
     */
    static final Object FILTER = new Object();

    /*
     * What a class's frame says of the cause, as far as it cannot change while the class exists: the JDK's (pass
     * over), the framework's, the container's class path, a plugin's bundle (a Bundle), a container bundle with
     * whether it is a library (a Map.Entry of the bundle and Boolean), or PASS for a container class its bundle names
     * in {@value #ACTS_FOR_CALLER}. Whether a bundle is the container's is a fact of its location (ContainerBundles),
     * which does not change while the bundle exists, and so is whether it is a library (its symbolic name), so both
     * are cached with the class.
     * Cached per class, so that a walk asks no lock
     * and no class loader. The values are JDK objects or bundles, never this bundle's, so that the classes the cache
     * hangs on keep nothing of a stopped security manager.
     */
    private static final Object PASS = "pass";
    private static final Object FELIX = Boolean.TRUE;
    private static final Object CLASS_PATH = Boolean.FALSE;

    private final ClassValue<Object> definers = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return definerOf(type);
        }
    };

    /**
     * The plugin (a Bundle) a frame's class belongs to, {@link #CONTAINER} for the container, null to pass over it. A
     * class of a plugin that has since been uninstalled stays that plugin's (an uninstalled bundle is not the
     * container's: {@link PluginScope#isContainer} is a fact of its location); the checks refuse it everything. Asked
     * for every frame a walk passes: it reads the class's cached answer and nothing else (no bundle state, no name).
     */
    Object of(Class<?> type, boolean throughFramework) {
        Object definer = definers.get(type);
        if (definer == PASS) {
            return null;
        }
        if (definer == FILTER) {
            return FILTER;
        }
        if (definer instanceof Bundle) {
            return definer; // a plugin's, installed or not
        }
        if (definer instanceof java.util.Map.Entry) {
            return ((java.util.Map.Entry<?, ?>) definer).getValue() == Boolean.TRUE ? null : CONTAINER; // a library
        }
        return definer == FELIX && throughFramework ? null : CONTAINER;
    }

    /** The bundle that defines the class (a plugin's or the container's), or null for any other class. */
    Bundle bundleOf(Class<?> type) {
        Object definer = definers.get(type);
        return definer instanceof Bundle ? (Bundle) definer : containerBundle(definer);
    }

    /** The container bundle of a cached answer, or null. */
    private static Bundle containerBundle(Object definer) {
        return definer instanceof java.util.Map.Entry ? (Bundle) ((java.util.Map.Entry<?, ?>) definer).getKey() : null;
    }

    private Object definerOf(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return PASS; // the boot class loader: the JDK, and the gate
        }
        Bundle creator = loaders.get(loader);
        if (creator != null) {
            return creator;
        }
        if (loader instanceof BundleReference) {
            Bundle bundle = ((BundleReference) loader).getBundle();
            if (bundle == null) {
                return CLASS_PATH;
            }
            if (!scope.isContainer(bundle)) {
                return bundle; // a plugin's
            }
            // a container bundle's: whether it is a library plugins may import is a fact of it, cached with the class
            return actsForCaller(bundle, type) || ConsoleStreams.relays(type) ? PASS
                    : java.util.Map.entry(bundle, isLibrary(bundle));
        }
        if (ChokePoints.isJdk(type) || loader == PLATFORM || java.lang.reflect.Proxy.isProxyClass(type)
                || loader.getClass().getName().startsWith("jdk.internal.reflect.")) {
            // the JDK, and classes the JDK spins itself: reflection accessors, method handle forms, and proxies (what
            // a proxy does is its handler's, whose frame follows; JDK 17 defines a method handle's proxy in the
            // application class loader, which would otherwise make it the container's)
            return PASS;
        }
        String name = type.getName();
        if (name.startsWith("org.osgi.framework.FilterImpl") || name.startsWith("org.apache.felix.framework.FilterImpl")
                || name.startsWith("org.apache.felix.framework.capabilityset.")) {
            return FILTER; // the framework's filter matching (Causes: it acts for whoever asked for the match)
        }
        if (type.getName().startsWith("org.apache.felix.framework.URLHandlers")) {
            // the framework's URL handler proxies act for whoever uses the URL: through them URL.equals and
            // hashCode look hosts up (a DNS query carries data out) and URLs open for the plugin that holds them
            return PASS;
        }
        if (type.getName().startsWith("org.apache.felix.framework.")) {
            return FELIX;
        }
        return CLASS_PATH; // the class path: the framework, the launcher, the agent
    }

    /**
     * Whether a container class runs work its caller hands it, and so acts for that caller: its bundle names it in
     * {@value #ACTS_FOR_CALLER} (CareContexts.carry's wrapper, say, which binds the care context and calls the caller's
     * Callable: were its frame the container's, a plugin's task of JDK code only, carried, would pass as the
     * container's). Its lambdas are its own. Plugins' headers are never read here: their classes are theirs.
     */
    private boolean actsForCaller(Bundle bundle, Class<?> type) {
        Object header = bundle.getHeaders("").get(ACTS_FOR_CALLER);
        if (header == null || !scope.isContainer(bundle)) {
            return false;
        }
        String name = type.getName();
        int lambda = name.indexOf("$$Lambda");
        String owner = lambda < 0 ? name : name.substring(0, lambda);
        for (String listed : header.toString().split(",")) {
            if (listed.trim().equals(owner)) {
                return true;
            }
        }
        return false;
    }

    /** The manifest header in which a container bundle names its classes that act for their caller. */
    static final String ACTS_FOR_CALLER = "Carehost-Acts-For-Caller";

    /** Whether a bundle is the container's (the system bundle, or one the launcher installed). */
    boolean isContainer(Bundle bundle) {
        return scope.isContainer(bundle);
    }

    /** Whether a bundle is a container library plugins may import ({@link #LIBRARIES}), never a plugin of that name. */
    boolean isContainerLibrary(Bundle bundle) {
        return scope.isContainer(bundle) && isLibrary(bundle);
    }

    private static boolean isLibrary(Bundle bundle) {
        String name = bundle.getSymbolicName();
        if (name == null) {
            return false;
        }
        for (String library : LIBRARIES) {
            if (name.startsWith(library)) {
                return true;
            }
        }
        return false;
    }
}
