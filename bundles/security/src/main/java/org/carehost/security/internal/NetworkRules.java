package org.carehost.security.internal;

import java.net.InetAddress;
import java.util.function.Function;

import org.carehost.security.Grants;
import org.carehost.security.Permission;
import org.carehost.security.internal.ChokePoints.Request;
import org.carehost.security.internal.RuntimeRules.Refusal;
import org.osgi.framework.Bundle;

/**
 * The network part of {@link RuntimeRules}: {@code use:network} for connections, name lookups (either way) and
 * listeners, narrowed by the policy's scopes ({@code use:network host:port}, {@code listen:<port>}) where it names any.
 */
final class NetworkRules {

    private final Function<Bundle, Policy.Scopes> scopes;

    NetworkRules(Function<Bundle, Policy.Scopes> scopes) {
        this.scopes = scopes;
    }

    Refusal connect(Bundle plugin, Grants held, Request request) {
        Refusal refusal = RuntimeRules.needs(held, Permission.USE_NETWORK, "connect to " + request.target());
        if (refusal != null) {
            return refusal;
        }
        java.util.List<String> allowed = scopes.apply(plugin).connect();
        if (allowed.isEmpty()) {
            return null;
        }
        InetAddress address = request.subject() instanceof InetAddress ? (InetAddress) request.subject() : null;
        String ip = address == null ? request.target().substring(0, Math.max(0, request.target().lastIndexOf(':')))
                : address.getHostAddress();
        String name = address == null ? null : address.toString().substring(0, address.toString().indexOf('/'));
        for (String entry : allowed) {
            int colon = entry.lastIndexOf(':');
            String host = entry.substring(0, colon);
            String port = entry.substring(colon + 1);
            boolean hostMatches = host.equalsIgnoreCase(ip) || host.equalsIgnoreCase(name);
            if (hostMatches && (port.equals("*") || port.equals(String.valueOf(request.port())))) {
                return null;
            }
        }
        return new Refusal(Permission.USE_NETWORK.id(), "connect to " + request.target() + ", which its grant does not "
                + "name (it names " + allowed + ")", false);
    }

    Refusal lookup(Bundle plugin, Grants held, String host) {
        Refusal refusal = RuntimeRules.needs(held, Permission.USE_NETWORK, "look up the host " + host);
        if (refusal != null) {
            return refusal;
        }
        java.util.List<String> allowed = scopes.apply(plugin).connect();
        if (allowed.isEmpty() || Character.digit(host.charAt(0), 16) >= 0 && host.matches("[0-9a-fA-F.:\\[\\]]+")) {
            return null;
        }
        for (String entry : allowed) {
            if (entry.substring(0, entry.lastIndexOf(':')).equalsIgnoreCase(host)) {
                return null;
            }
        }
        return new Refusal(Permission.USE_NETWORK.id(), "look up " + host + ", which its grant does not name", false);
    }

    /**
     * A reverse lookup (address to name) asks the resolver too, so it needs use:network; a grant narrowed to hosts
     * allows it only for an address the grant names.
     */
    Refusal reverse(Bundle plugin, Grants held, String address) {
        Refusal refusal = RuntimeRules.needs(held, Permission.USE_NETWORK, "look up the name of " + address);
        if (refusal != null) {
            return refusal;
        }
        java.util.List<String> allowed = scopes.apply(plugin).connect();
        if (allowed.isEmpty()) {
            return null;
        }
        for (String entry : allowed) {
            if (entry.substring(0, entry.lastIndexOf(':')).equalsIgnoreCase(address)) {
                return null;
            }
        }
        return new Refusal(Permission.USE_NETWORK.id(), "look up the name of " + address + ", which its grant does not "
                + "name", false);
    }

    Refusal listen(Bundle plugin, Grants held, int port) {
        Refusal refusal = RuntimeRules.needs(held, Permission.USE_NETWORK, "listen on port " + port);
        if (refusal != null || port <= 0) {
            return refusal; // port 0: an ephemeral local port (a client's datagram socket, a callback listener)
        }
        if (scopes.apply(plugin).listen().contains(port)) {
            return null;
        }
        return new Refusal(Permission.USE_NETWORK.id(), "listen on port " + port + ", which no policy entry names "
                + "(grant plugin " + plugin.getSymbolicName() + " use:network listen:" + port + ")", false);
    }
}
