package org.carehost.sdk.data;

/** A document would take the plugin's data in this tenant over the quota the operator set; nothing was stored. */
public class PluginDataQuotaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long quotaBytes;

    public PluginDataQuotaException(String plugin, String tenant, long usedBytes, long quotaBytes) {
        super("Plugin " + plugin + " would keep more than its quota of " + quotaBytes + " bytes of plugin data in "
                + "tenant " + tenant + " (" + usedBytes + " bytes with this document); delete documents, or ask the "
                + "operator for a larger quota ('plugin-data plugin " + plugin + " <KiB>' in the policy)");
        this.quotaBytes = quotaBytes;
    }

    public long quotaBytes() {
        return quotaBytes;
    }
}
