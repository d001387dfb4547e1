package org.carehost.security.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.carehost.security.internal.ChokePoints.Kind;
import org.carehost.security.internal.ChokePoints.Request;

/**
 * What a network hook's call asks for (part of {@link ChokePoints}): a connection or a listener at
 * {@code sun.nio.ch.Net} with its address and port, a datagram's target, and a JDK HTTP client or WebSocket request's
 * host and port from its URI. Pure, like {@link ChokePoints}.
 */
final class NetworkRequests {

    private NetworkRequests() {
    }

    static Request net(String method, Object[] args) {
        InetAddress address = ChokePoints.find(args, InetAddress.class);
        Integer port = ChokePoints.find(args, Integer.class);
        if (address == null) {
            return connect(ChokePoints.find(args, SocketAddress.class));
        }
        int number = port == null ? -1 : port;
        return method.equals("bind")
                ? new Request(Kind.LISTEN, address.getHostAddress() + ":" + number, address, number, false)
                : new Request(Kind.CONNECT, address.getHostAddress() + ":" + number, address, number, false);
    }

    static Request connect(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            InetAddress resolved = inet.getAddress();
            String host = resolved != null ? resolved.getHostAddress() : inet.getHostString();
            return new Request(Kind.CONNECT, host + ":" + inet.getPort(), resolved, inet.getPort(), false);
        }
        // Never a plugin's own toString(): the check must not run code the plugin wrote (a nested check inside it
        // could not be told from the checker's own work). A JDK address (a Unix-domain one) may describe itself.
        return Request.of(Kind.CONNECT, address == null ? "null" : jdk(address.getClass()) ? String.valueOf(address)
                : "an address of the plugin's own class " + address.getClass().getName());
    }

    /** Defined by the boot or platform loader: the JDK's own code, which never runs a plugin's. */
    private static boolean jdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    /**
     * A request of the JDK HTTP client or a WebSocket: the host and port its URI names (the scheme's port when none
     * is given), checked on the caller's thread.
     */
    static Request web(Object[] args) {
        java.net.URI target = ChokePoints.find(args, java.net.URI.class);
        if (target == null && args.length > 0) {
            target = requestUri(args[0]);
        }
        if (target == null) {
            return Request.of(Kind.CONNECT, "a connection of the JDK HTTP client");
        }
        String scheme = String.valueOf(target.getScheme()).toLowerCase(java.util.Locale.ROOT);
        int port = target.getPort() >= 0 ? target.getPort()
                : scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
        String host = String.valueOf(target.getHost());
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Request(Kind.CONNECT, host + ":" + port, null, port, false);
    }

    /**
     * An {@code HttpURLConnection} about to take a connection to its URL's host and port, new or kept alive by the
     * JDK for someone else (which the socket hooks never see). {@code java.net.URL} is final: its getters are the
     * JDK's; the default port comes from the protocol, not from the URL's handler, which need not be the JDK's.
     */
    static Request url(Object self) {
        if (!(self instanceof java.net.URL)) {
            return Request.of(Kind.CONNECT, "a connection of HttpURLConnection");
        }
        java.net.URL url = (java.net.URL) self;
        String protocol = String.valueOf(url.getProtocol()).toLowerCase(java.util.Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort()
                : protocol.equals("https") ? 443 : protocol.equals("ftp") ? 21 : 80; // ftp: through an HTTP proxy
        String host = String.valueOf(url.getHost());
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress literal = ipLiteral(host);
        // an address written as such is checked as the socket hooks write it (::1 as 0:0:0:0:0:0:0:1); a name as named
        return new Request(Kind.CONNECT, (literal == null ? host : literal.getHostAddress()) + ":" + port, literal, port,
                false);
    }

    /** The address an IPv6 literal or a dotted IPv4 quad names (parsed, never looked up), else null. */
    private static InetAddress ipLiteral(String host) {
        boolean v6 = host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.%A-Za-z]+");
        boolean v4 = host.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]"
                + "|[1-9]?[0-9])){3}");
        if (!v6 && !v4) {
            return null;
        }
        try {
            // a literal: the JDK parses it without a lookup (an IPv6 one in brackets, so that nothing falls back to one)
            return InetAddress.getByName(v6 ? "[" + host + "]" : host);
        } catch (java.net.UnknownHostException notALiteral) {
            return null;
        }
    }

    /**
     * The URI of a {@code java.net.http.HttpRequest}, read by reflection: java.net.http is defined to the platform
     * class loader, which a bundle (whose parent is the boot loader) does not see by name.
     */
    private static java.net.URI requestUri(Object request) {
        if (request == null || !jdk(request.getClass())) {
            // A request class the plugin wrote: its uri() is the plugin's code, which the check never runs. The
            // connection is then checked as one of the HTTP client's, without its host.
            return null;
        }
        for (Class<?> type = request.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("java.net.http.HttpRequest")) {
                try {
                    return (java.net.URI) type.getMethod("uri").invoke(request);
                } catch (ReflectiveOperationException | RuntimeException unreadable) {
                    return null;
                }
            }
        }
        return null;
    }
}
