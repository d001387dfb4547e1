package org.carehost.sample.publichealth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds reportable conditions named in free text. Whole words only, so "measles" does not match
 * "measlesvax" and "hepatitis a" does not match "hepatitis and…"; any case, and any run of spaces
 * between the words of a condition. Immutable once built.
 */
final class ConditionMatcher {

    // Condition name (normalised) -> pattern, in configured order so reports list them the same way.
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    ConditionMatcher(String... conditions) {
        for (String condition : conditions) {
            if (condition == null || condition.isBlank()) {
                continue; // an empty entry in the configuration must not match everything
            }
            String name = condition.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            StringBuilder regex = new StringBuilder("(?<![\\p{L}\\p{N}])");
            String[] words = name.split(" ");
            for (int i = 0; i < words.length; i++) {
                regex.append(i == 0 ? "" : "\\s+").append(Pattern.quote(words[i]));
            }
            // Word boundaries by hand: \b treats letters outside ASCII as non-word characters unless
            // UNICODE_CHARACTER_CLASS is on, and this is clearer to read.
            regex.append("(?![\\p{L}\\p{N}])");
            patterns.putIfAbsent(name,
                    Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        }
    }

    /** The conditions {@code text} names, lower case, in configured order; empty when none or no text. */
    List<String> matches(String text) {
        List<String> found = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return found;
        }
        patterns.forEach((name, pattern) -> {
            if (pattern.matcher(text).find()) {
                found.add(name);
            }
        });
        return found;
    }
}
