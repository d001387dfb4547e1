package org.carehost.security.internal;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.function.Function;

import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.internal.ChokePoints.Request;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleReference;

/**
 * Decides, for a plugin that causes a call at one of the agent's hooks, whether its grants allow it: a
 * {@link Refusal} (permission and reason), or null. Grants are those the security manager computes for host
 * services; the policy's scopes narrow {@code use:network} to hosts and {@code use:files} to the plugin's folder.
 */
final class RuntimeRules {

    /** Why a call is refused: the permission it lacks (or the rule, for what no grant allows) and a reason. */
    record Refusal(String permission, String reason, boolean quarantine) {
    }

    static final String CONTAINER_RULE = "container";
    private static final String OWN_CODE = "org.carehost.security";

    private final Function<Bundle, Grants> grants;
    private final Function<Bundle, Policy.Scopes> scopes;
    private final Function<Bundle, Long> threadBudget;
    private final Function<Bundle, Long> nativeBudget;
    private final NativeHoldings nativeMemory = new NativeHoldings();
    private final NetworkRules network;
    private final ContainerPaths paths;
    private final Causes causes;
    private final Function<Bundle, String> quarantined;

    /** @param quarantined why a plugin is quarantined ("quarantined: ..."), or null */
    RuntimeRules(Function<Bundle, Grants> grants, Function<Bundle, Policy.Scopes> scopes,
            Function<Bundle, Long> threadBudget, Function<Bundle, Long> nativeBudget, ContainerPaths paths,
            Causes causes, Function<Bundle, String> quarantined) {
        this.grants = grants;
        this.scopes = scopes;
        this.network = new NetworkRules(scopes);
        this.threadBudget = threadBudget;
        this.nativeBudget = nativeBudget;
        this.paths = paths;
        this.causes = causes;
        this.quarantined = quarantined;
    }

    /** An object's native memory given back: it counts for no plugin any more. Never refused. */
    void released(Object object) {
        nativeMemory.released(object);
    }

    Refusal decide(Bundle plugin, Request request) {
        if (plugin.getState() == Bundle.UNINSTALLED) {
            return new Refusal(CONTAINER_RULE, request.target() + ": its plugin was uninstalled, and code an uninstalled "
                    + "plugin left running may do nothing at the JDK's choke points", false);
        }
        Grants held = grants.apply(plugin);
        switch (request.kind()) {
            case FILE_READ:
            case FILE_WRITE:
                Refusal first = file(plugin, held, request.target(), request.kind() == ChokePoints.Kind.FILE_WRITE);
                if (first != null || !(request.subject() instanceof String)) {
                    return first;
                }
                return file(plugin, held, (String) request.subject(), true);
            case FILE_LINK:
                return never("make a file-system link (" + request.target() + "), which could lead out of its folder");
            case CONNECT:
                return network.connect(plugin, held, request);
            case LOOKUP:
                return request.subject() instanceof InetAddress ? network.reverse(plugin, held, request.target())
                        : network.lookup(plugin, held, request.target());
            case LISTEN:
                return network.listen(plugin, held, request.port());
            case DESCRIPTOR:
                return needs(held, (Permission) request.subject(), request.target());
            case UNIX_SOCKET:
                Refusal network = needs(held, Permission.USE_NETWORK, "use a Unix-domain socket " + request.target());
                return network != null ? network : file(plugin, held, request.target(), true);
            case PROCESS:
                return needs(held, Permission.USE_PROCESSES, request.subject() instanceof ProcessHandle
                        ? request.target() : "start the process '" + request.target() + "'");
            case ENV:
                if (request.target().startsWith("CAREHOST_") || request.target().startsWith("the whole")) {
                    return never("read " + (request.target().startsWith("the whole") ? request.target()
                            + ", which holds the container's secrets (read variables by name)"
                            : "the container's secret " + request.target()));
                }
                return needs(held, Permission.USE_ENV, "read the environment variable " + request.target());
            case NATIVE:
                return needs(held, Permission.USE_NATIVE, request.target().startsWith("reach ") ? request.target()
                        : "load " + request.target());
            case REFLECT:
                return reflect(plugin, held, (Class<?>) request.subject(), request.target());
            case CLASS_LOADER:
                Refusal loader = needs(held, Permission.USE_REFLECTION, "create " + request.target());
                if (loader == null) {
                    causes.created((ClassLoader) request.subject(), plugin);
                }
                return loader;
            case THREAD_START:
                if (!causes.pools().counts((Thread) request.subject(), plugin)) {
                    return null; // a shared pool's worker, or a thread a class initialiser not its own starts: nobody's
                }
                long budget = threadBudget.apply(plugin);
                if (causes.liveThreads(plugin) >= budget) {
                    return new Refusal("threads", "start more than " + budget + " threads (its budget in the policy: "
                            + "threads plugin " + plugin.getSymbolicName() + " <n>)", true);
                }
                // its own when its code called start, not JDK code on its own account (a pool spawning a worker)
                causes.started((Thread) request.subject(), plugin, !GateFrames.calledByJdk());
                return null;
            case THREAD_CONTROL:
                Thread thread = (Thread) request.subject();
                return causes.startedBy(thread, plugin) ? null : never(request.target() + ", a thread it did not start");
            case LOGGER:
                String name = ((java.util.logging.Logger) request.subject()).getName();
                return ContainerNames.namedAfter(name, plugin.getSymbolicName()) ? null
                        : never(request.target() + " (only loggers named after itself: its symbolic name, or under it)");
            case BUNDLE:
                return itself(plugin, request) ? null : never(request.target() + ", which is not itself");
            case PROVIDER:
                // a provider of a class of its own (which it cannot install), or one being made on this thread (a JDK
                // provider fills its entries as its first use makes it); never one already made of the JDK's or another
                // bundle's class, through whatever JDK method (Properties.setProperty and load, a synchronized view):
                // the container's ciphers, keys and random numbers come from those
                Class<?> type = request.subject().getClass();
                org.osgi.framework.wiring.BundleWiring wiring = plugin.adapt(org.osgi.framework.wiring.BundleWiring.class);
                return wiring != null && type.getClassLoader() == wiring.getClassLoader()
                        || GateFrames.constructing(type) ? null : never(request.target());
            case BUNDLE_START:
                if (!itself(plugin, request)) {
                    return never(request.target() + ", which is not itself");
                }
                return quarantined.apply(plugin) == null ? null : never(request.target() + ", itself, while it is "
                        + "quarantined (only an operator lifts a quarantine: plugin:start " + plugin.getSymbolicName() + ")");
            case BUNDLE_ENTRIES:
                return entries(plugin, (Bundle) request.subject(), request.target());
            case PROXY:
                Object[] made = (Object[]) request.subject();
                return proxy(plugin, made[0].getClass(), made[1].getClass(), request.target());

            case NATIVE_MEMORY:
                return nativeMemory.hold(plugin, request, nativeBudget.apply(plugin));
            case CLAIM:
            case CONTAINER:
            case EXTENSION:
            default:
                return never(request.target());
        }
    }

    private static boolean itself(Bundle plugin, Request request) {
        Object target = request.subject();
        return target instanceof Bundle && ((Bundle) target).getBundleId() == plugin.getBundleId();
    }

    /**
     * A bundle's entries (its jar's files): a plugin's own, its fragments', and those of the libraries it may import
     * (published code it runs anyway: the SDK, Jackson, the OSGi utilities; their code reads its own resources on the
     * plugin's behalf); never another plugin's (its code, embedded configuration, WebAssembly modules), the framework's
     * nor another container bundle's, whatever the plugin is granted.
     */
    private Refusal entries(Bundle plugin, Bundle target, String what) {
        if (target == null || target.getBundleId() == plugin.getBundleId() || hostedBy(target, plugin)
                || causes.isLibrary(target)) {
            return null;
        }
        return never(what + ": a plugin reads the entries of its own bundle only");
    }

    /** Whether a bundle is a fragment attached to the plugin (the scan refuses fragments of anything else). */
    private static boolean hostedBy(Bundle fragment, Bundle plugin) {
        org.osgi.framework.wiring.BundleWiring wiring = fragment.adapt(org.osgi.framework.wiring.BundleWiring.class);
        if (wiring == null) {
            return false;
        }
        for (org.osgi.framework.wiring.BundleWire wire
                : wiring.getRequiredWires(org.osgi.framework.namespace.HostNamespace.HOST_NAMESPACE)) {
            if (wire.getProvider().getBundle().getBundleId() == plugin.getBundleId()) {
                return true;
            }
        }
        return false;
    }

    private Refusal file(Bundle plugin, Grants held, String target, boolean write) {
        Path path = paths.resolve(target);
        if (paths.isContainers(path)) {
            return never((write ? "write " : "read ") + path + ", a file of the container's");
        }
        if (!write && paths.isReadableByAll(path)) {
            return null;
        }
        Refusal refusal = needs(held, Permission.USE_FILES, (write ? "write " : "read ") + path);
        if (refusal != null) {
            return refusal;
        }
        if (!ContainerPaths.isPlainName(plugin.getSymbolicName())) {
            return never((write ? "write " : "read ") + path + ": its symbolic name '" + plugin.getSymbolicName()
                    + "' is not a plain folder name, so it has no folder of its own");
        }
        Path own = paths.pluginFolder(String.valueOf(plugin.getSymbolicName()));
        if (path.startsWith(own)) {
            return null;
        }
        for (String folder : scopes.apply(plugin).folders()) {
            if (path.startsWith(paths.resolve(folder))) {
                return null;
            }
        }
        return new Refusal(Permission.USE_FILES.id(), (write ? "write " : "read ") + path + ", outside its folder "
                + own + " (a policy grant may name more: grant plugin " + plugin.getSymbolicName()
                + " use:files /a/folder)", false);
    }

    /** The framework's implementation: past the checks on its API (a bundle's content, its wiring), no plugin's to open. */
    static final String FRAMEWORK_INTERNALS = "org.apache.felix.framework.";

    private Refusal reflect(Bundle plugin, Grants held, Class<?> target, String what) {
        ClassLoader loader = target.getClassLoader();
        if (loader instanceof BundleReference) {
            Bundle owner = ((BundleReference) loader).getBundle();
            if (owner != null && owner.getBundleId() == plugin.getBundleId()) {
                return null; // its own classes (Jackson binding its private fields, say)
            }
            if (owner != null && OWN_CODE.equals(owner.getSymbolicName())) {
                return never(what + ", the security manager's own code");
            }
        }
        if (target.getName().startsWith("java.lang.CarehostGate") || target.getName().startsWith("org.carehost.agent.")) {
            return never(what + ", the run-time enforcement's own code");
        }
        if (target.getName().startsWith(FRAMEWORK_INTERNALS)) {
            // its bundles' content (BundleRevisionImpl.getContent: entries and bytes with no URL), wiring and lifecycle
            // past the hooks on its public API: no plugin needs the framework's private members
            return never(what + ", the framework's own code");
        }
        if (target.getName().startsWith("sun.misc.Unsafe") || target.getName().startsWith("jdk.internal.")) {
            return never(what + ", which writes any memory (the checks' own included)");
        }
        if (what.startsWith(PRIVATE_LOOKUP)) {
            // a private lookup defines classes beside its class (Lookup.defineClass), in that class's loader: they would
            // run as that bundle's code, with none of the plugin's frames (found by a review); its own classes only
            return never(what + ", whose lookup would define classes in another bundle's class loader (a plugin "
                    + "looks up its own classes privately only)");
        }
        return needs(held, Permission.USE_REFLECTION, what);
    }

    /**
     * A proxy runs the plugin's code when called if its class is defined by the plugin's class loader (its frame is then
     * the plugin's, whatever the handler), or if the method that handles its calls ({@code invoke}, where the handler's
     * class declares it: a subclass of a JDK handler inherits the JDK's) is the plugin's; or a library's that plugins
     * may import (the OSGi converter's views), which acts for whoever calls it. (The JDK's annotation handler is let
     * through before: {@link ChokePoints}.) Any other proxy, one of the JDK's {@code java.beans.EventHandler} or its
     * method-handle proxies' handler first among them, would carry out a call the plugin chose with none of its frames
     * on the stack: registered as a bundle or service listener, on the framework's thread, as the container's. Refused
     * whatever it is granted.
     */
    private Refusal proxy(Bundle plugin, Class<?> proxyClass, Class<?> handler, String what) {
        if (causes.ownClass(proxyClass, plugin)) {
            return null;
        }
        Class<?> handles;
        try {
            handles = handler.getMethod("invoke", Object.class, java.lang.reflect.Method.class, Object[].class)
                    .getDeclaringClass();
        } catch (NoSuchMethodException | RuntimeException | LinkageError unknown) {
            handles = null;
        }
        return handles != null && (causes.ownClass(handles, plugin) || causes.libraryClass(handles)) ? null
                : never(what + ": its calls would run with no code of its own on the stack, as the container's (give "
                        + "the proxy a handler of its own class, or define it with its own class loader)");
    }

    /** How ChokePoints words a private lookup's request. */
    static final String PRIVATE_LOOKUP = "a private lookup in ";

    static Refusal needs(Grants held, Permission permission, String what) {
        return held.holds(permission) ? null
                : new Refusal(permission.id(), what + " without " + permission.id(), false);
    }

    private static Refusal never(String what) {
        return new Refusal(CONTAINER_RULE, what + ", which no plugin may do", false);
    }
}
