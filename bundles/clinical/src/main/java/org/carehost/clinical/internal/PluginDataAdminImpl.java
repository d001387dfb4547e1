package org.carehost.clinical.internal;

import org.carehost.clinical.PluginDataAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@link PluginDataAdmin} over {@link PluginDataRecords}; the shell command that calls it audits the purge. */
@Component
public final class PluginDataAdminImpl implements PluginDataAdmin {

    private final PluginDataRecords records;

    @Activate
    public PluginDataAdminImpl(@Reference PluginDataRecords records) {
        this.records = records;
    }

    @Override
    public int purge(String symbolicName, String tenant) {
        return records.purge(symbolicName, tenant);
    }

    @Override
    public long used(String symbolicName, String tenant) {
        return records.used(symbolicName, tenant);
    }
}
