package org.carehost.shell.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.audit.AuditLog;
import org.carehost.context.ContextBinder;
import org.carehost.plugins.PluginException;
import org.carehost.plugins.PluginInfo;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.plugins.PluginManager;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code plugin:} scope: plugin lifecycle by id or symbolic name. Each command is one call to the
 * plugin manager; a failure is thrown so that the shell (and a piped script) sees the command fail. A change
 * (install, start, stop, update, uninstall) is audited under the operator who ran it ({@link ActingOperator}) before it
 * is reported done: the framework's own lifecycle records name no person.
 */
@Component(service = PluginCommands.class, property = {
        "osgi.command.scope=plugin",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=install",
        "osgi.command.function=start",
        "osgi.command.function=stop",
        "osgi.command.function=update",
        "osgi.command.function=uninstall",
        "osgi.command.function=why",
        "osgi.command.function=names"
})
public final class PluginCommands {

    private final PluginManager plugins;

    /**
     * The audit trail and the care context, optional and dynamic: with the database down (and the trail with it) an
     * operator still lists plugins, asks why one is not running and stops one; such a change then says it was not
     * audited.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AuditLog log;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ContextBinder binder;

    @Activate
    public PluginCommands(@Reference PluginManager plugins) {
        this.plugins = plugins;
    }

    /** The change audited under the operator, then its summary. */
    private String done(AuditAction action, String command, String verb, PluginInfo plugin) {
        AuditLog trail = log;
        ContextBinder context = binder;
        if (trail == null || context == null) {
            return Text.summary(verb, plugin) + "Not audited: the audit trail is not available (carehost:status says "
                    + "what is missing).\n";
        }
        ActingOperator.audit(trail, context, action, "plugin:" + command, "Plugin", plugin.symbolicName(), null,
                plugin.symbolicName() + " " + plugin.version() + " " + verb + "; state " + plugin.state());
        return Text.summary(verb, plugin);
    }

    @Descriptor("list plugins: id, symbolic name, version, state, components, origin (deploy folder or shell)")
    public String list() {
        return Text.printable(Text.pluginTable(plugins.list()));
    }

    @Descriptor("show one plugin in detail, with each of its components")
    public String info(@Descriptor("plugin id, symbolic name, or its file name in the deploy folder") String plugin) throws PluginException {
        return Text.printable(Text.pluginDetail(plugins.get(plugin)));
    }

    @Descriptor("install a plugin from a bundle jar and start it")
    public String install(@Descriptor("path or URL of the bundle jar") String pathOrUrl) throws PluginException {
        return Text.printable(done(AuditAction.CREATE, "install", "installed", plugins.install(pathOrUrl)));
    }

    @Descriptor("start a plugin")
    public String start(@Descriptor("plugin id or symbolic name") String plugin) throws PluginException {
        return Text.printable(done(AuditAction.EXECUTE, "start", "started", plugins.start(plugin)));
    }

    @Descriptor("stop a plugin; it stays stopped across restarts until started")
    public String stop(@Descriptor("plugin id or symbolic name") String plugin) throws PluginException {
        return Text.printable(done(AuditAction.EXECUTE, "stop", "stopped", plugins.stop(plugin)));
    }

    @Descriptor("update a plugin from its own location, and refresh its wiring")
    public String update(@Descriptor("plugin id or symbolic name") String plugin) throws PluginException {
        return Text.printable(done(AuditAction.UPDATE, "update", "updated", plugins.update(plugin, null)));
    }

    @Descriptor("update a plugin from another bundle jar, and refresh its wiring")
    public String update(@Descriptor("plugin id or symbolic name") String plugin,
            @Descriptor("path or URL of the new bundle jar") String pathOrUrl) throws PluginException {
        return Text.printable(done(AuditAction.UPDATE, "update", "updated", plugins.update(plugin, pathOrUrl)));
    }

    @Descriptor("uninstall a plugin (a deploy-folder plugin's file is deleted)")
    public String uninstall(@Descriptor("plugin id or symbolic name") String plugin) throws PluginException {
        org.carehost.plugins.PluginInfo gone = plugins.uninstall(plugin);
        String said = done(AuditAction.DELETE, "uninstall", "uninstalled", gone);
        String file = org.carehost.plugins.UninstalledFile.note(gone);
        return Text.printable(file == null ? said : said + file);
    }

    @Descriptor("say why a plugin is not active: unresolved requirement, activate exception, unsatisfied reference")
    public String why(@Descriptor("plugin id, symbolic name, or a file name in the deploy folder") String plugin)
            throws PluginException {
        return Text.printable(Text.findings(plugins.diagnose(plugin)));
    }

    @Descriptor("plugin symbolic names, one per line (used for tab completion)")
    public List<String> names() {
        return plugins.names();
    }
}
