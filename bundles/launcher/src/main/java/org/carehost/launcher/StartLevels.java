package org.carehost.launcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * The start level of each bundle, in place of the bnd launcher's start-level handler ({@code launch.startlevel.default=0}
 * in {@code runtime.bndrun} turns that off): each container bundle at the level {@code runtime.bndrun} gives it (the
 * launcher's {@code launch.runbundles.attrs}), set as it is installed or updated and at each launch; a plugin never below
 * {@code carehost.plugin.startlevel}. {@link RaiseStartLevel} then takes the framework up once the launcher has
 * installed and started the bundles, as the handler did.
 *
 * <p>Written here because the handler (bnd 7.3's {@code StartLevelRuntimeHandler}) sets the start level of <em>every</em>
 * bundle at each {@code UPDATED} event, to the level it already had: the framework then starts a persistently started
 * bundle on its start-level thread, whatever stopped it. A plugin updated in place (the deploy watcher stops it
 * transiently, updates it, refreshes it, then starts it; {@code plugin:update} likewise) was started by that request in
 * the middle of the update, between the update and the refresh, and the refresh stopped and started it again: every hot
 * reload activated a plugin's components twice, and a start raced the update's own refresh. This sets a level only when
 * it differs, and a plugin's only when it is below the plugins' level.
 */
final class StartLevels implements SynchronousBundleListener {

    /** The bnd launcher's run bundles with their attributes: {@code bsn;version="...";startlevel=N,...}. */
    static final String RUNBUNDLES_ATTRS = "launch.runbundles.attrs";
    /** The framework's initial level for a bundle installed without one: the plugins' (60). */
    static final String INITIAL_BUNDLE_LEVEL = "felix.startlevel.bundle";

    private final ContainerBundles container;
    private final Map<String, Integer> containerLevels;
    private final int pluginLevel;

    StartLevels(ContainerBundles container, Map<String, Integer> containerLevels, int pluginLevel) {
        this.container = container;
        this.containerLevels = containerLevels;
        this.pluginLevel = pluginLevel;
    }

    /**
     * Puts every installed bundle at its level and keeps each container bundle installed or updated later at its own.
     * Called before the launcher installs any bundle.
     */
    static StartLevels open(BundleContext system) {
        ContainerBundles container = new ContainerBundles(system);
        int initial = level(system.getProperty(INITIAL_BUNDLE_LEVEL), container.pluginStartLevel());
        StartLevels levels = new StartLevels(container, parse(system.getProperty(RUNBUNDLES_ATTRS)),
                Math.max(initial, container.pluginStartLevel()));
        system.addBundleListener(levels);
        for (Bundle bundle : system.getBundles()) {
            levels.place(bundle);
        }
        return levels;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UPDATED) {
            Bundle bundle = event.getBundle();
            if (container.isContainer(bundle)) {
                place(bundle); // a plugin keeps the level it has: only an operator changes it (a plugin may not)
            }
        }
    }

    /** Puts the bundle at its level if it is not there: a container bundle at its own, a plugin at least at theirs. */
    void place(Bundle bundle) {
        if (bundle.getBundleId() == 0 || bundle.getState() == Bundle.UNINSTALLED) {
            return;
        }
        BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
        if (level == null) {
            return;
        }
        int target;
        if (container.isContainer(bundle)) {
            Integer own = containerLevels.get(bundle.getSymbolicName());
            if (own == null) {
                return; // not one runtime.bndrun places: the framework's initial level
            }
            target = own;
        } else if (level.getStartLevel() < container.pluginStartLevel()) {
            target = pluginLevel; // a plugin never starts among the container's bundles
        } else {
            return;
        }
        if (level.getStartLevel() != target) {
            level.setStartLevel(target);
        }
    }

    /**
     * The {@code startlevel} of each bundle in the launcher's {@code launch.runbundles.attrs}, by symbolic name (bnd
     * marks a repeated name with trailing {@code ~}); clauses are split at commas outside quotes.
     */
    static Map<String, Integer> parse(String attrs) {
        Map<String, Integer> levels = new HashMap<>();
        if (attrs == null) {
            return levels;
        }
        for (String clause : split(attrs, ',')) {
            List<String> parts = split(clause, ';');
            if (parts.isEmpty()) {
                continue;
            }
            String bsn = parts.get(0).strip().replaceAll("~+$", "");
            for (String attribute : parts.subList(1, parts.size())) {
                int equals = attribute.indexOf('=');
                if (equals > 0 && attribute.substring(0, equals).strip().equals("startlevel")) {
                    int level = level(attribute.substring(equals + 1).strip().replace("\"", ""), -1);
                    if (level > 0 && !bsn.isEmpty()) {
                        levels.putIfAbsent(bsn, level);
                    }
                }
            }
        }
        return levels;
    }

    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        if (part.length() > 0) {
            parts.add(part.toString());
        }
        return parts;
    }

    private static int level(String value, int otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
