package org.carehost.security.internal;

import java.util.Map;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;

/**
 * What a call at a hook on one of the JVM's defaults asks for (part of {@link ChokePoints}): the security providers and
 * properties, the default locale and time zone, the network's defaults (proxies, authenticator, cookies, caches, URL
 * and socket factories, TLS), JAAS and JNDI's global builders, JDBC's log writer and login timeout, the time-zone
 * rules, image I/O's cache, JavaBeans' editors and search path, RMI's call log. Each is one value for the whole JVM,
 * which the container's own code uses too: a plugin's provider first in the list would be handed the PHI data key by
 * the container's own {@code Cipher.getInstance}, a plugin's proxy selector or socket factory would see the container's
 * connections. No grant allows them ({@link Kind#CONTAINER}); the scan lists the older ones as forbidden (not the
 * login timeout, zone rules, image I/O, JavaBeans and RMI log: a library that merely names them is not refused at
 * deploy), and these hooks make that hold for every call, through reflection or a method handle too. Pure, like {@link ChokePoints}.
 */
final class JvmDefaults {

    /** What each hooked class holds for the whole JVM, by binary name. */
    private static final Map<String, String> WHAT = Map.ofEntries(
            Map.entry("java.security.Security", "security providers and properties (every cipher, key and random "
                    + "number the container makes)"),
            Map.entry("java.util.Locale", "default locale"),
            Map.entry("java.util.TimeZone", "default time zone"),
            Map.entry("java.net.ProxySelector", "default proxy selector (the container's own connections use it)"),
            Map.entry("java.net.Authenticator", "default authenticator (asked for the container's credentials)"),
            Map.entry("java.net.CookieHandler", "default cookie handler"),
            Map.entry("java.net.ResponseCache", "default response cache"),
            Map.entry("java.net.URL", "URL stream handlers"),
            Map.entry("java.net.URLConnection", "URL connection defaults"),
            Map.entry("java.net.HttpURLConnection", "HTTP connection defaults"),
            Map.entry("java.net.Socket", "socket implementation"),
            Map.entry("java.net.ServerSocket", "server socket implementation"),
            Map.entry("java.net.DatagramSocket", "datagram socket implementation"),
            Map.entry("javax.net.ssl.SSLContext", "default TLS context (the container's HTTPS connections use it)"),
            Map.entry("javax.net.ssl.HttpsURLConnection", "HTTPS defaults (socket factory, host name verifier)"),
            Map.entry("javax.security.auth.login.Configuration", "JAAS login configuration"),
            Map.entry("javax.naming.spi.NamingManager", "JNDI factory builders"),
            Map.entry("java.rmi.server.RMISocketFactory", "RMI socket factory"),
            Map.entry("java.sql.DriverManager", "JDBC log writer and login timeout (every driver's, the container's"
                    + " database's included)"),
            Map.entry("java.time.zone.ZoneRulesProvider", "time-zone rules (every zone the container's clock and"
                    + " schedules look up)"),
            Map.entry("javax.imageio.ImageIO", "image I/O cache (the folder every image reader writes to)"),
            Map.entry("java.beans.Introspector", "bean-info search path"),
            Map.entry("java.beans.PropertyEditorManager", "property editors"),
            Map.entry("java.rmi.server.RemoteServer", "RMI call log"));

    private JvmDefaults() {
    }

    /** Whether the hooked class is one of these. */
    static boolean covers(String owner) {
        return WHAT.containsKey(owner);
    }

    static Request request(String owner, String method) {
        String simple = owner.substring(owner.lastIndexOf('.') + 1);
        return Request.of(Kind.CONTAINER, "change the JVM's " + WHAT.get(owner) + " (" + simple + "." + method
                + "): one for the whole JVM, the container's own code included");
    }
}
