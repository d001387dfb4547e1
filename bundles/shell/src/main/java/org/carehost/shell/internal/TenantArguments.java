package org.carehost.shell.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <plugin> --tenant T [key=value…]} in any order, as operators write it (Gogo's own option parsing
 * wants options first). Anything else is a usage error.
 */
record TenantArguments(String plugin, String tenant, Map<String, String> settings) {

    static TenantArguments parse(String[] arguments, String usage, boolean settingsAllowed) {
        String plugin = null;
        String tenant = null;
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; arguments != null && i < arguments.length; i++) {
            String argument = arguments[i];
            if (argument.equals("--tenant") || argument.equals("-t")) {
                if (i + 1 >= arguments.length || tenant != null) {
                    throw new IllegalArgumentException(usage);
                }
                tenant = arguments[++i];
            } else if (settingsAllowed && argument.indexOf('=') > 0) {
                int equals = argument.indexOf('=');
                settings.put(argument.substring(0, equals).strip(), argument.substring(equals + 1));
            } else if (plugin == null) {
                plugin = argument;
            } else {
                throw new IllegalArgumentException(usage + " ('" + argument + "' is not expected there)");
            }
        }
        if (plugin == null || tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException(usage);
        }
        return new TenantArguments(plugin, tenant, settings);
    }
}
