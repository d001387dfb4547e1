package org.carehost.security.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Constants;

/**
 * The symbolic names no plugin may take, so that nothing that goes by a bundle's name (a log line, an operator, code
 * that matches a name or a prefix of one: a logger's or a configuration's name, a fragment's host) takes a plugin
 * for the container:
 * <ul>
 * <li>the container's namespace, {@value #NAMESPACE} itself and every name under it, except the namespaces of the
 * project's own sample and test plugins ({@link #PLUGIN_NAMESPACES}), where no container bundle is or may be;</li>
 * <li>the name of any bundle of the container (the system bundle's, Felix's, SCR's, Jackson's, ...), a name under one
 * ({@code org.apache.felix.scr.tools}), and a name one of them is under ({@code org.apache}, {@code com.fasterxml});</li>
 * </ul>
 * compared in any case, as a reader would. Refused at install and at every resolve, whatever the install path
 * ({@link Admission#installProblems}).
 */
final class ContainerNames {

    /** The container's own namespace. */
    static final String NAMESPACE = "org.carehost";
    /** Under {@link #NAMESPACE}, where the project's sample and test plugins live: never a container bundle's name. */
    static final Set<String> PLUGIN_NAMESPACES = Set.of("org.carehost.sample", "org.carehost.fixture");

    /** A symbolic name as the OSGi specification writes one: ASCII words, dot-separated. */
    private static final java.util.regex.Pattern GRAMMAR = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    /** The JDK's namespaces: its loggers (sun.net.www.protocol.http logs request headers) and packages. */
    static final Set<String> JDK_NAMESPACES = Set.of("java", "javax", "jdk", "sun", "com.sun");

    private ContainerNames() {
    }

    /**
     * Whether {@code name} (a logger's, a configuration's) is named after a plugin: its symbolic name, or a name under
     * it ({@code symbolic.name.more}); never a name that merely begins with it ({@code org.postgres} does not name
     * {@code org.postgresql}'s loggers). The one definition is {@code PluginNames.namedAfter} (bundles/settings), which
     * the configuration guard and plugin settings read too.
     */
    static boolean namedAfter(String name, String symbolicName) {
        return org.carehost.settings.PluginNames.namedAfter(name, symbolicName);
    }

    /**
     * Why a plugin may not have {@code symbolicName}, or null when it may.
     *
     * @param containerNames the symbolic names of the container's bundles now
     */
    static String refusal(String symbolicName, Collection<String> containerNames) {
        return refusalAgainst(symbolicName, reserved(containerNames));
    }

    /** The container's bundles' names as {@link #refusalAgainst} compares them: the system bundle's too. */
    static Set<String> reserved(Collection<String> containerNames) {
        Set<String> names = new TreeSet<>();
        names.add(Constants.SYSTEM_BUNDLE_SYMBOLICNAME);
        for (String container : containerNames) {
            if (container != null) {
                names.add(container.strip().toLowerCase(Locale.ROOT));
            }
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * Why a plugin may not have {@code symbolicName}, or null when it may.
     *
     * @param reserved the container's bundles' names, as {@link #reserved} gives them
     */
    static String refusalAgainst(String symbolicName, Set<String> reserved) {
        if (symbolicName == null) {
            return null;
        }
        String name = symbolicName.strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return null;
        }
        if (!GRAMMAR.matcher(symbolicName.strip()).matches()) {
            return "its symbolic name '" + symbolicName + "' is not made of dot-separated ASCII words (letters, digits, "
                    + "'-' and '_', as the OSGi specification writes a symbolic name): a name of look-alike letters "
                    + "or spaces could pass for another; give the plugin a Bundle-SymbolicName such as com.vendor.plugin";
        }
        for (String jdk : JDK_NAMESPACES) {
            if (within(name, jdk)) {
                return "its symbolic name '" + symbolicName + "' is in the JDK's namespace " + jdk + ".*, whose loggers "
                        + "and names are the JDK's: give the plugin a Bundle-SymbolicName of its vendor's own "
                        + "(com.vendor.plugin)";
            }
        }
        if (within(name, NAMESPACE) && PLUGIN_NAMESPACES.stream().noneMatch(space -> under(name, space))) {
            return "its symbolic name '" + symbolicName + "' is in the container's namespace (" + NAMESPACE + ".*, "
                    + "where only the container's bundles and the samples' and tests' " + String.join(".*, ",
                            new TreeSet<>(PLUGIN_NAMESPACES)) + ".* live), so it would pass for container code: give "
                    + "the plugin a Bundle-SymbolicName of its vendor's own (com.vendor.plugin)";
        }
        for (String container : reserved) {
            if (within(name, container) || under(container, name)) {
                return "its symbolic name '" + symbolicName + "' is, extends or contains the name of the container's "
                        + "bundle " + container + ", so it would pass for that bundle or for container code: give the "
                        + "plugin a Bundle-SymbolicName of its vendor's own (com.vendor.plugin)";
            }
        }
        return null;
    }

    /** Whether {@code name} is {@code space} or under it. */
    private static boolean within(String name, String space) {
        return name.equals(space) || under(name, space);
    }

    /** Whether {@code name} is strictly under {@code space} ({@code space.} then more). */
    private static boolean under(String name, String space) {
        return name.length() > space.length() + 1 && name.startsWith(space) && name.charAt(space.length()) == '.';
    }
}
