package org.carehost.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults; an unknown option is an error. */
final class Options {

    private Options() {
    }

    static Map<String, String> parse(String[] args, Map<String, String> defaults) {
        Map<String, String> options = new HashMap<>(defaults);
        for (int i = 0; i < args.length; i++) {
            if (!defaults.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("Unknown option or missing value: " + args[i] + "; options: " + defaults.keySet());
                System.exit(2);
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }
}
