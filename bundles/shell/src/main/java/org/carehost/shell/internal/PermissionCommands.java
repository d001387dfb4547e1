package org.carehost.shell.internal;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.security.Permission;
import org.carehost.security.SecurityAdmin;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code plugin:permissions}, {@code plugin:grant}, {@code plugin:revoke}: a plugin's permissions and the policy. */
@Component(service = PermissionCommands.class, property = {
        "osgi.command.scope=plugin",
        "osgi.command.function=permissions",
        "osgi.command.function=grant",
        "osgi.command.function=revoke"
})
public final class PermissionCommands {

    private final BundleContext context;
    private final PluginManager plugins;
    private final SecurityAdmin security;

    @Activate
    public PermissionCommands(BundleContext context, @Reference PluginManager plugins,
            @Reference SecurityAdmin security) {
        this.context = context;
        this.plugins = plugins;
        this.security = security;
    }

    @Descriptor("show a plugin's permissions: declared, granted, used and denied so far, and any refusal")
    public String permissions(@Descriptor("plugin id or symbolic name") String plugin) throws PluginException {
        return Text.permissionReport(security.report(bundle(plugins.get(plugin))));
    }

    @Descriptor("grant declared permissions to a plugin (every version); written to the policy, in force at once")
    public String grant(@Descriptor("plugin id or symbolic name") String plugin,
            @Descriptor("permissions, e.g. read:patients use:network") String... permissions) throws PluginException {
        return security.grant(symbolicName(plugin), parse(permissions));
    }

    @Descriptor("revoke permissions from a plugin, whatever granted them; written to the policy, in force at once")
    public String revoke(@Descriptor("plugin id or symbolic name") String plugin,
            @Descriptor("permissions, e.g. write:patients") String... permissions) throws PluginException {
        return security.revoke(symbolicName(plugin), parse(permissions));
    }

    private Bundle bundle(PluginInfo info) throws PluginException {
        Bundle bundle = context.getBundle(info.id());
        if (bundle == null) {
            throw new PluginException("Plugin " + info.id() + " has just been uninstalled.");
        }
        return bundle;
    }

    /** An installed plugin's symbolic name; a name that is not installed yet is taken as given. */
    private String symbolicName(String plugin) throws PluginException {
        try {
            return plugins.get(plugin).symbolicName();
        } catch (PluginException notInstalled) {
            if (plugin == null || plugin.isBlank() || plugin.chars().allMatch(Character::isDigit)) {
                throw notInstalled;
            }
            return plugin.trim();
        }
    }

    static List<Permission> parse(String... names) {
        if (names == null || names.length == 0) {
            throw new IllegalArgumentException("Name at least one permission: " + Permission.validNames());
        }
        List<Permission> permissions = new ArrayList<>();
        for (String name : names) {
            permissions.add(Permission.named(name).orElseThrow(() -> new IllegalArgumentException(
                    "Unknown permission '" + name + "'; valid: " + Permission.validNames())));
        }
        return permissions;
    }
}
