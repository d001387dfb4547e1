package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Which bundles the security manager restricts: plugins, i.e. bundles at or above
 * {@code carehost.plugin.startlevel} (the plugin manager's definition), except those whose symbolic name matches
 * {@code carehost.security.trusted} (comma-separated, * as wildcard; for test harnesses such as Pax Exam's probe).
 */
final class PluginScope {

    static final String PLUGIN_START_LEVEL_PROPERTY = "carehost.plugin.startlevel";
    static final String TRUSTED_PROPERTY = "carehost.security.trusted";

    private final int pluginStartLevel;
    private final List<Pattern> trusted;
    private final long self;

    PluginScope(BundleContext context) {
        String level = context.getProperty(PLUGIN_START_LEVEL_PROPERTY);
        this.pluginStartLevel = level == null || level.isBlank() ? 50 : Integer.parseInt(level.trim());
        this.trusted = globs(context.getProperty(TRUSTED_PROPERTY));
        this.self = context.getBundle().getBundleId();
    }

    boolean isPlugin(Bundle bundle) {
        if (bundle == null || bundle.getBundleId() == 0 || bundle.getBundleId() == self) {
            return false;
        }
        try {
            if (bundle.adapt(BundleStartLevel.class).getStartLevel() < pluginStartLevel) {
                return false;
            }
        } catch (RuntimeException uninstalled) {
            return false;
        }
        String name = bundle.getSymbolicName();
        for (Pattern pattern : trusted) {
            if (name != null && pattern.matcher(name).matches()) {
                return false;
            }
        }
        return true;
    }

    static List<Pattern> globs(String list) {
        List<Pattern> patterns = new ArrayList<>();
        if (list != null) {
            for (String glob : list.split(",")) {
                if (!glob.isBlank()) {
                    StringBuilder regex = new StringBuilder();
                    for (String part : glob.strip().split("\\*", -1)) {
                        regex.append(regex.length() == 0 ? "" : ".*").append(Pattern.quote(part));
                    }
                    patterns.add(Pattern.compile(regex.toString()));
                }
            }
        }
        return patterns;
    }
}
