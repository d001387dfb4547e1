package org.carehost.plugins;

/**
 * What an operator is told when an uninstall deleted a deploy-folder plugin's file ({@link PluginManager#uninstall}
 * deletes it, since the deploy folder would otherwise install it again): the shell's {@code plugin:uninstall} and the
 * HTTP API's {@code DELETE /api/v1/plugins/{plugin}} say the same.
 */
public final class UninstalledFile {

    private UninstalledFile() {
    }

    /** The file name the uninstall of {@code gone} deleted from the deploy folder; null for any other plugin. */
    public static String name(PluginInfo gone) {
        if (gone.origin() != PluginOrigin.DEPLOY) {
            return null;
        }
        String location = gone.location();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The sentence saying so (ending with a line break); null when no file was deleted. */
    public static String note(PluginInfo gone) {
        String name = name(gone);
        return name == null ? null : "Its file " + name + " was deleted from the deploy folder, which would otherwise "
                + "install it again.\n";
    }
}
