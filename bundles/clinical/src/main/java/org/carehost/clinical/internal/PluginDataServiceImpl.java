package org.carehost.clinical.internal;

import java.util.List;
import java.util.Optional;

import org.carehost.audit.AuditLog;
import org.carehost.clinical.internal.Audit.Subject;
import org.carehost.sdk.audit.AuditAction;
import org.carehost.sdk.data.PluginDataService;
import org.carehost.sdk.data.PluginDocument;
import org.carehost.security.Permission;
import org.carehost.security.PermissionGuard;
import org.carehost.security.PluginLimits;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@link PluginDataService} as each plugin sees it: bundle scope binds the instance to the calling plugin, whose
 * symbolic name (so its documents outlive updates and reinstalls) and the call's tenant select the documents. Every
 * call needs {@code store:plugin-data}, passes the care rules' tenant check and is audited (keys, never contents).
 */
@Component(scope = ServiceScope.BUNDLE)
public final class PluginDataServiceImpl implements PluginDataService {

    private final PluginDataRecords records;
    private final PluginLimits limits;
    private final Audit audit;
    private final String plugin;

    @Activate
    public PluginDataServiceImpl(ComponentContext context, @Reference PluginDataRecords records,
            @Reference AuditLog log, @Reference PermissionGuard guard, @Reference CareRules care,
            @Reference PluginLimits limits) {
        this.records = records;
        this.limits = limits;
        Caller caller = Caller.of(context.getUsingBundle(), guard);
        this.plugin = caller.symbolicName();
        this.audit = new Audit(log, caller, guard.grantsOf(context.getUsingBundle()), care);
    }

    private static Subject subject(String key) {
        return new Subject(PluginDataRecords.TYPE, key, null);
    }

    @Override
    public Optional<PluginDocument> get(String key) {
        return audit.call(Permission.STORE_PLUGIN_DATA, AuditAction.READ, "PluginDataService.get", null, subject(key),
                access -> records.get(plugin, access.tenant(), key), null);
    }

    @Override
    public PluginDocument put(String key, String json, long expectedVersion) {
        return audit.call(Permission.STORE_PLUGIN_DATA, expectedVersion == 0 ? AuditAction.CREATE : AuditAction.UPDATE,
                "PluginDataService.put", null, subject(key), access -> records.put(plugin, access.tenant(), key, json,
                        expectedVersion, limits.pluginDataBytes(plugin)), null);
    }

    @Override
    public boolean delete(String key, long expectedVersion) {
        return audit.call(Permission.STORE_PLUGIN_DATA, AuditAction.DELETE, "PluginDataService.delete", null,
                subject(key), access -> records.delete(plugin, access.tenant(), key, expectedVersion), null);
    }

    @Override
    public List<String> keys(String prefix, int limit) {
        return audit.call(Permission.STORE_PLUGIN_DATA, AuditAction.EXECUTE, "PluginDataService.keys",
                "prefix=" + prefix, subject(null), access -> records.keys(plugin, access.tenant(), prefix, limit), null);
    }
}
