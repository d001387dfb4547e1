package org.carehost.plugins;

import java.util.List;

/**
 * A snapshot of one plugin.
 *
 * @param id bundle id
 * @param symbolicName bundle symbolic name
 * @param version bundle version
 * @param state bundle state
 * @param origin where it was installed from
 * @param location the bundle location it was installed from
 * @param components its Declarative Services components, by name
 */
public record PluginInfo(long id, String symbolicName, String version, PluginState state, PluginOrigin origin,
        String location, List<ComponentInfo> components) {

    public PluginInfo {
        components = List.copyOf(components);
    }
}
