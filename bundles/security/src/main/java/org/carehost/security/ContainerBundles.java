package org.carehost.security;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The one definition of the container's own bundles, against plugins: the security manager ({@link
 * PermissionGuard#isPlugin}), the plugin manager, the configuration guard, the console's readiness and the test kit
 * read this answer.
 *
 * <p>A container bundle is one the run descriptor installed: its <em>location</em> is one the launcher was told to
 * install from. The system bundle is the container too; every other bundle is a plugin. That is a fact of how the
 * bundle was installed, which a plugin cannot copy: a manifest header, a symbolic name or a start level can be copied
 * or set (an operator may install a plugin at a low start level), but a location is chosen by whoever installs the
 * bundle, one location holds one bundle (the launcher's stay taken while they are installed), and a plugin may
 * neither install a bundle nor change a start level (the run-time layer refuses both as container actions).
 *
 * <p>The start level is not part of the rule, although the container's bundles run below
 * {@code carehost.plugin.startlevel} (50): carehost.jar's launcher moves a run bundle it has just updated to the
 * default level (60) for a moment before its own (seen when an installation is upgraded), and during that moment the
 * security manager would have counted itself a plugin.
 *
 * <p>The launcher's locations: {@code carehost.container.locations} (a framework property, comma-separated, {@code *}
 * as a wildcard: for test harnesses that install the container's bundles themselves), else the bnd launcher's own
 * {@code launch.bundles} (carehost.jar's run bundles, {@code jar/org.carehost.store} and so on). Neither set: no
 * bundle but the system bundle is the container's.
 */
public final class ContainerBundles {

    /** The container's bundle locations, for harnesses that are not carehost.jar (Pax Exam, the test kit). */
    public static final String LOCATIONS_PROPERTY = "carehost.container.locations";
    /** Where the bnd launcher (carehost.jar) lists the run bundles it installs: their locations. */
    public static final String LAUNCHER_BUNDLES_PROPERTY = "launch.bundles";
    /** The start level that separates the container's bundles (below) from plugins (at or above). */
    public static final String PLUGIN_START_LEVEL_PROPERTY = "carehost.plugin.startlevel";
    public static final int DEFAULT_PLUGIN_START_LEVEL = 50;

    /** The locations without a wildcard (carehost.jar's are all such): one hash lookup, not a pattern each. */
    private final Set<String> exactLocations = new HashSet<>();
    /** The locations with a {@code *}. */
    private final List<Pattern> locationPatterns = new ArrayList<>();
    private final int pluginStartLevel;

    /** The rule as the framework {@code context} belongs to was launched (its framework properties). */
    public ContainerBundles(BundleContext context) {
        this(locationsOf(context), context.getProperty(PLUGIN_START_LEVEL_PROPERTY));
    }

    /**
     * The rule for these launcher {@code locations} (comma-separated, {@code *} as wildcard) and plugin start level
     * (null or blank: 50).
     *
     * @throws IllegalArgumentException if the start level is not a whole number above 1
     */
    public ContainerBundles(String locations, String pluginStartLevel) {
        split(locations);
        this.pluginStartLevel = startLevel(pluginStartLevel);
    }

    /** The plugins' start level: plugins are installed at or above it, the container's bundles run below it. */
    public int pluginStartLevel() {
        return pluginStartLevel;
    }

    /**
     * Whether {@code location} is one the launcher installs the container's bundles from. Asked at every class a
     * bundle defines and at every service event (the security manager's gates), so an exact location is one hash
     * lookup: with a pattern per location (about 70) this was 4 % of a start's CPU, measured with JFR.
     */
    public boolean isLauncherLocation(String location) {
        if (location == null) {
            return false;
        }
        if (exactLocations.contains(location)) {
            return true;
        }
        for (Pattern pattern : locationPatterns) {
            if (pattern.matcher(location).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code bundle} is one of the container's own: the system bundle, or one installed by the launcher. */
    public boolean isContainer(Bundle bundle) {
        return bundle != null && (bundle.getBundleId() == 0 || isLauncherLocation(bundle.getLocation()));
    }

    /**
     * Whether {@code bundle} is a plugin: installed, and not the container's. An uninstalled bundle is neither (it has
     * no permissions to hold and nothing to manage).
     */
    public boolean isPlugin(Bundle bundle) {
        return bundle != null && bundle.getState() != Bundle.UNINSTALLED && !isContainer(bundle);
    }

    private static String locationsOf(BundleContext context) {
        String own = context.getProperty(LOCATIONS_PROPERTY);
        return own != null && !own.isBlank() ? own : context.getProperty(LAUNCHER_BUNDLES_PROPERTY);
    }

    private static int startLevel(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PLUGIN_START_LEVEL;
        }
        try {
            int level = Integer.parseInt(value.trim());
            if (level > 1) {
                return level;
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new IllegalArgumentException(PLUGIN_START_LEVEL_PROPERTY + " must be a whole number above 1 (the plugins'"
                + " start level, 50 by default), not '" + value + "': correct it in the launch properties");
    }

    private void split(String list) {
        if (list == null) {
            return;
        }
        for (String glob : list.split(",")) {
            if (glob.isBlank()) {
                continue;
            }
            String location = glob.strip();
            if (location.indexOf('*') < 0) {
                exactLocations.add(location);
                continue;
            }
            StringBuilder regex = new StringBuilder();
            String[] parts = location.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                regex.append(i == 0 ? "" : ".*").append(Pattern.quote(parts[i]));
            }
            locationPatterns.add(Pattern.compile(regex.toString()));
        }
    }
}
