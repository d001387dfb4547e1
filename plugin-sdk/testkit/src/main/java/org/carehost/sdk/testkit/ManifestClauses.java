package org.carehost.sdk.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough OSGi header parsing to re-export a jar's packages from the system bundle. */
final class ManifestClauses {

    private static final Pattern VERSION = Pattern.compile("(?:^|;)\\s*version\\s*=\\s*\"?([^\";,]+)\"?");

    private ManifestClauses() {
    }

    /** Clauses of a header: split at commas outside quotes. */
    static List<String> split(String header) {
        List<String> clauses = new ArrayList<>();
        if (header == null) {
            return clauses;
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                clauses.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            clauses.add(current.toString().trim());
        }
        return clauses;
    }

    /** {@code a.b;uses:="x,y";version="1.0"} becomes {@code a.b;version="1.0"}. */
    static String packageWithVersion(String clause) {
        String name = clause.split(";")[0].trim();
        Matcher version = VERSION.matcher(clause.substring(name.length()));
        return version.find() ? name + ";version=\"" + version.group(1) + "\"" : name;
    }
}
