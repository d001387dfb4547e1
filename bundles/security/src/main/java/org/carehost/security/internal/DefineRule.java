package org.carehost.security.internal;

import java.lang.invoke.MethodHandles;

import org.carehost.security.internal.ChokePoints.Request;
import org.carehost.security.internal.RuntimeRules.Refusal;
import org.osgi.framework.Bundle;

/**
 * A plugin defines no class at run time, {@code use:reflection} or not: in a class loader it made
 * ({@code ClassLoader.defineClass}) or through a lookup in one of its classes ({@code Lookup.defineClass},
 * {@code defineHiddenClass}). Its code would run unscanned and unwoven (red team 12's class so defined ran on after its
 * plugin's quarantine and code stop); a plugin's classes come from its jar. Decided from whose loader or lookup it is,
 * not from a cause: the framework's bundle loaders and the JDK's define every class a start loads, and pass first.
 */
final class DefineRule {

    /** The class of the framework's bundle class loaders, which define every plugin's and container bundle's class. */
    private static final String FRAMEWORK_BUNDLE_LOADER = "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader";

    private DefineRule() {
    }

    /**
     * Whether a class defined at run time is defined by the framework's bundle loaders or the JDK's own (every class a
     * start loads), or through a lookup in a class of the JDK's or of the checker's own bundle (their lambdas: on JDK 17
     * every lambda's class is defined through the public {@code Lookup.defineHiddenClass}): passed at once, before any
     * look-up or walk, inside a check too (the checker's own first lambdas are defined while it checks).
     */
    static boolean definedByTheContainer(String hook, Object self, ClassLoader checkers) {
        if (!hook.startsWith("java.lang.ClassLoader.defineClass")
                && !hook.startsWith("java.lang.invoke.MethodHandles$Lookup.define")) {
            return false;
        }
        if (self instanceof MethodHandles.Lookup lookup) {
            ClassLoader loader = lookup.lookupClass().getClassLoader();
            return loader == null || loader == checkers;
        }
        String loader = self.getClass().getName();
        return loader.equals(FRAMEWORK_BUNDLE_LOADER) || loader.startsWith("jdk.internal.");
    }

    /**
     * The plugin whose class would be defined, or null: a loader no plugin made, a lookup in a class no plugin defined,
     * or the JDK defining a class it generated itself through a plugin's lookup (its lambdas, proxies, pattern switches).
     */
    static Bundle owner(Request request, Causes causes) {
        Object subject = request.subject();
        if (subject instanceof ClassLoader loader) {
            return causes.loaderOwner(loader);
        }
        Bundle owner = causes.pluginOf(((MethodHandles.Lookup) subject).lookupClass());
        return owner == null || GateFrames.generatedByJdk() ? null : owner;
    }

    static Refusal refusal(Request request) {
        return new Refusal(RuntimeRules.CONTAINER_RULE, request.target() + ", which no plugin may do: its code would run "
                + "unscanned (a plugin's classes come from its jar, use:reflection or not)", false);
    }
}
