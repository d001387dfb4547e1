package org.carehost.clinical.internal;

import java.text.Normalizer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finding a record's value in a free text as people write it, for {@link PhiMinimumImpl}: each value becomes one
 * pattern with no nested repetition (every repeat is possessive, or of characters the next element cannot start with),
 * so that matching stays linear in the text. Both sides are normalised before matching, and the text returned is that
 * normalised text, so the normalisation changes nothing a reader would read differently: canonical composition (NFC:
 * a decomposed accent is the same letter), fullwidth ASCII forms to ASCII, and invisible format characters
 * ({@code \p{Cf}}: zero-width spaces, soft hyphens, direction marks) removed, except the zero-width joiner and
 * non-joiner, which spell words in some scripts and emoji. Not NFKC: it would turn {@code 10⁹/L} into {@code 109/L}
 * and {@code m²} into {@code m2} in a clinical text.
 * <ul>
 * <li>Any run of spaces of any kind matches any run where the value has spaces; case is ignored.</li>
 * <li>A number as people write one (a phone number: at least 7 digits and only separators) matches its digits in
 * the same order with any separators or none between them (dots, dashes and minus signs, slashes, parentheses,
 * spaces) and a leading {@code +} or {@code (}; an international number ({@code +} and a country code) also matches
 * its national forms: without the country code, and, outside +1, with the trunk prefix {@code 0} instead.</li>
 * <li>A date ({@code yyyy-mm-dd}, as the record's dates are given) matches year-month-day, day-month-year and
 * month-day-year with any of those separators, with or without leading zeros, {@code yyyymmdd}, and the day with the
 * month's English name or its abbreviation in either order ({@code 4 March 1970}, {@code Mar 4th, 1970}); a
 * {@code T} and a digit after it (a date-time) end it as a space would.</li>
 * </ul>
 * A value matches only whole: not inside a longer word or number.
 */
final class WholeValues {

    private WholeValues() {
    }

    private static final String SPACE = "[\\s\\p{Z}]";
    private static final Pattern SPACES = Pattern.compile(SPACE + "+", Pattern.UNICODE_CHARACTER_CLASS);
    /** Between the digits of a number or a date: spaces, dashes, the minus sign, dots, slashes, brackets, commas. */
    private static final String SEPARATOR = "[\\s\\p{Z}\\p{Pd}\u2212./(),]";
    private static final Pattern NUMBER = Pattern.compile("[+(]?" + SEPARATOR + "*(?:[0-9]" + SEPARATOR + "*){7,}",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    /** Invisible format characters, but the zero-width non-joiner and joiner (U+200C, U+200D). */
    private static final Pattern FORMAT = Pattern.compile("[\\p{Cf}&&[^\u200C\u200D]]+");
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS;
    /** E.164 country codes of one and two digits; every other one has three (the codes are a prefix code). */
    private static final Set<String> SHORT_CODES = Set.of("1", "7", "20", "27", "30", "31", "32", "33", "34", "36",
            "39", "40", "41", "43", "44", "45", "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58",
            "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98");

    /** What both sides are matched as: see the class comment. */
    static String normalised(String text) {
        String composed = Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder folded = null;
        for (int i = 0; i < composed.length(); i++) {
            char c = composed.charAt(i);
            if (c >= '\uFF01' && c <= '\uFF5E') { // fullwidth ASCII forms
                if (folded == null) {
                    folded = new StringBuilder(composed);
                }
                folded.setCharAt(i, (char) (c - 0xFEE0));
            }
        }
        return FORMAT.matcher(folded == null ? composed : folded).replaceAll("");
    }

    /** The normalised text with every whole occurrence of {@code value} replaced. */
    static String replace(String text, String value, String replacement) {
        String normalisedText = normalised(text);
        Pattern whole = pattern(normalised(value).strip());
        return whole == null ? normalisedText
                : whole.matcher(normalisedText).replaceAll(Matcher.quoteReplacement(replacement));
    }

    private static Pattern pattern(String value) {
        String end = "(?![\\p{L}\\p{N}])";
        String body;
        if (ISO_DATE.matcher(value).matches() && date(value) != null) {
            body = datePattern(date(value));
            end = "(?!(?!T[0-9])[\\p{L}\\p{N}])"; // a date-time's T ends the date
        } else if (NUMBER.matcher(value).matches()) {
            body = "[+(]*+(?:" + numbers(value).stream().map(WholeValues::digits).collect(Collectors.joining("|"))
                    + ")";
        } else {
            body = Arrays.stream(SPACES.split(value)).filter(word -> !word.isEmpty()).map(Pattern::quote)
                    .collect(Collectors.joining(SPACE + "++"));
            if (body.isEmpty()) {
                return null;
            }
        }
        return Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + body + ")" + end, FLAGS);
    }

    private static LocalDate date(String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException notADate) {
            return null;
        }
    }

    /** The digits of a number with any separators between them. */
    private static String digits(String digits) {
        return digits.chars().mapToObj(Character::toString).collect(Collectors.joining(SEPARATOR + "*+"));
    }

    /** The number's digits, and for an international one its national forms. */
    static List<String> numbers(String value) {
        String digits = value.chars().filter(c -> c >= '0' && c <= '9').mapToObj(Character::toString)
                .collect(Collectors.joining());
        Set<String> forms = new LinkedHashSet<>(List.of(digits));
        if (value.startsWith("+")) {
            int code = SHORT_CODES.contains(digits.substring(0, 1)) ? 1
                    : SHORT_CODES.contains(digits.substring(0, Math.min(2, digits.length()))) ? 2 : 3;
            String national = digits.substring(Math.min(code, digits.length()));
            if (national.length() >= 6) {
                forms.add(national);
                if (!digits.startsWith("1")) {
                    forms.add("0" + national);
                }
            }
        }
        return new ArrayList<>(forms);
    }

    private static String datePattern(LocalDate date) {
        String sep = SEPARATOR + "++";
        String year = String.valueOf(date.getYear());
        String month = "0?" + date.getMonthValue();
        String day = "0?" + date.getDayOfMonth();
        String dayth = day + "(?:st|nd|rd|th)?+";
        String name = "(?:" + Pattern.quote(date.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH)) + "|"
                + Pattern.quote(date.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH)) + "\\.?+)";
        return String.join("|", year + sep + month + sep + day, day + sep + month + sep + year,
                month + sep + day + sep + year, digits(date.toString().replace("-", "")),
                dayth + sep + name + sep + year, name + sep + dayth + sep + year);
    }
}
