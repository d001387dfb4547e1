package org.carehost.catalog.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A catalog URL as it may be shown (listings, problems, audit records): a credential in it, {@code user:password@}
 * before the host, or the value of a query parameter named like a secret ({@code token}, {@code key}, {@code secret},
 * {@code password}, {@code sig}, {@code auth}...), is replaced by {@code ***}. The URL itself is kept whole for use.
 */
final class ShownUrls {

    static final String MASK = "***";
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*)@");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "([?&;][^=&#]*(?i:token|key|secret|passw|pwd|sig|auth|credential)[^=&#]*=)([^&#]*)");

    private ShownUrls() {
    }

    /** The URL with its credentials masked; as given when it has none. */
    static String shown(String url) {
        if (url == null) {
            return null;
        }
        String out = USER_INFO.matcher(url).replaceFirst("$1" + MASK + "@");
        return SECRET_PARAMETER.matcher(out).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + MASK));
    }

    private static final Pattern ANY_URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s'\"<>]+");

    /**
     * A text (an exception's message naming the URLs it went through: redirects, a presigned target) with every URL in
     * it shown as {@link #shown} shows it.
     */
    static String scrubAll(String text) {
        if (text == null) {
            return null;
        }
        return ANY_URL.matcher(text).replaceAll(match -> Matcher.quoteReplacement(shown(match.group())));
    }

    /** A text (a problem, an exception's message) with every occurrence of {@code url}'s credentials masked. */
    static String scrub(String text, String url) {
        if (text == null || url == null) {
            return text;
        }
        String out = text.replace(url, shown(url));
        Matcher userInfo = USER_INFO.matcher(url);
        if (userInfo.find() && !userInfo.group(2).isEmpty()) {
            out = out.replace(userInfo.group(2) + "@", MASK + "@"); // as the URI parsed from it prints, or a host
        }
        return out;
    }
}
