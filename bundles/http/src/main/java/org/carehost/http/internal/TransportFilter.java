package org.carehost.http.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.carehost.operators.Refusals;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Credentials and the transport, for every path of the container's HTTP listeners (redteam-3 #10): while HTTPS is on
 * ({@code httpsEnabled}, {@code etc/org.carehost.http.listener.cfg}), a plain-HTTP request from another machine that
 * carries a credential (a login, a bearer token, the session cookie) is refused with a 403 {@code https-required}
 * problem, before anything reads it; from loopback it passes (a local script, a reverse proxy on the same host). HTTPS
 * answers carry {@code Strict-Transport-Security}, so a browser that saw one never falls back to plain HTTP.
 */
@Component(service = Filter.class, configurationPid = ListenerSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = {
            "osgi.http.whiteboard.filter.pattern=/*",
            "osgi.http.whiteboard.filter.name=carehost-transport"
        })
public final class TransportFilter implements Filter {

    static final String HSTS = "max-age=31536000";
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%a-zA-Z]*");

    private final RefusedRequests refused;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean httpsOn;

    @Activate
    public TransportFilter(@Reference Refusals refusals, ListenerConfiguration configuration) {
        this.refused = new RefusedRequests(refusals);
        modified(configuration);
    }

    @Modified
    void modified(ListenerConfiguration configuration) {
        this.httpsOn = configuration.httpsEnabled();
    }

    @Override
    public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) servletRequest;
        HttpServletResponse response = (HttpServletResponse) servletResponse;
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", HSTS);
        } else if (httpsOn && !loopback(request.getRemoteAddr()) && carriesCredentials(request)) {
            refused.refused(request, 403, null, "credentials over plain HTTP from another machine while HTTPS is on");
            Problems.write(json, request, response, 403, "https-required", "Use HTTPS", "Passwords, session cookies "
                    + "and API tokens are not accepted over plain HTTP from another machine while HTTPS is on: use the "
                    + "https:// address (carehost:listeners shows it). An admin turns plain HTTP off with "
                    + "httpEnabled=false in etc/org.carehost.http.listener.cfg");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether the request goes to the login route as the API servlet routes it: its decoded path, path parameters
     * ({@code ;x}) left out, not the raw URI ({@code /api/v1/session;x} and {@code /api/v1/%73ession} log in too).
     */
    static boolean isLogin(HttpServletRequest request) {
        String path = (request.getServletPath() == null ? "" : request.getServletPath())
                + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.replaceAll("/+", "/").replaceAll("/$", "").equals("/api/v1/session");
    }

    /** A login, a bearer token or the session cookie. */
    static boolean carriesCredentials(HttpServletRequest request) {
        if (request.getHeader("Authorization") != null || "POST".equals(request.getMethod()) && isLogin(request)) {
            return true;
        }
        if (request.getCookies() != null) {
            for (Cookie cookie : request.getCookies()) {
                if (Endpoints.COOKIE.equals(cookie.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether an address (an IP literal as a listener or a peer gives it, brackets allowed, or {@code localhost}) is this
     * machine's loopback. A name other than localhost is not resolved: it counts as another machine.
     */
    static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        String host = address.strip();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IP_LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
