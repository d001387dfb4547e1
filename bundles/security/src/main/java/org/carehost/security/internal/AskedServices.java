package org.carehost.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.carehost.sdk.auth.Authenticator;
import org.carehost.security.Permission;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.resource.Capability;

/**
 * Services a plugin may offer that the container asks only while the plugin holds a permission (an
 * {@code Authenticator} is offered passwords only with {@code verify:logins}), and the notice for a plugin that offers
 * one without it: not a refusal (the plugin runs, its service is simply never asked), but a mistake its operator
 * should hear of at install and from {@code plugin:why}. What a plugin offers is read from its manifest's
 * {@code osgi.service} capabilities (bnd writes them for Declarative Services components, so they are known before
 * it starts) and from the services it has registered.
 */
final class AskedServices {

    /** What the container does with a service of this interface, and the permission it needs for that. */
    record Asked(Permission permission, String use) {
    }

    static final Map<String, Asked> ASKED = Map.of(Authenticator.class.getName(),
            new Asked(Permission.named(Authenticator.PERMISSION).orElseThrow(), "logins ask it to verify passwords"));

    private AskedServices() {
    }

    /** One sentence per offered service the plugin is not asked for, with the way out; empty when there is none. */
    static List<String> notices(Bundle plugin, long held, long declared) {
        List<String> notices = new ArrayList<>();
        for (String offered : offered(plugin)) {
            Asked asked = ASKED.get(offered);
            if (asked == null || (held & asked.permission().bit()) != 0) {
                continue;
            }
            String id = asked.permission().id();
            notices.add("it offers " + offered + ", but " + asked.use() + " only while it holds " + id + ", which it "
                    + ((declared & asked.permission().bit()) != 0
                            ? "declares but is not granted (plugin:grant " + plugin.getSymbolicName() + " " + id + ")"
                            : "does not declare in Carehost-Permissions (add it there, then plugin:grant "
                                    + plugin.getSymbolicName() + " " + id + ")")
                    + "; until then it is never asked");
        }
        return notices;
    }

    /** The service interfaces the plugin declares in its manifest or has registered. */
    static Set<String> offered(Bundle plugin) {
        Set<String> offered = new TreeSet<>();
        BundleRevision revision = plugin.adapt(BundleRevision.class);
        if (revision != null) {
            for (Capability capability : revision.getCapabilities("osgi.service")) {
                Object classes = capability.getAttributes().get(Constants.OBJECTCLASS);
                if (classes instanceof List<?> list) {
                    list.forEach(name -> offered.add(String.valueOf(name)));
                } else if (classes != null) {
                    offered.add(String.valueOf(classes));
                }
            }
        }
        ServiceReference<?>[] registered = plugin.getState() == Bundle.UNINSTALLED ? null
                : plugin.getRegisteredServices();
        if (registered != null) {
            for (ServiceReference<?> reference : registered) {
                if (reference.getProperty(Constants.OBJECTCLASS) instanceof String[] names) {
                    offered.addAll(List.of(names));
                }
            }
        }
        return offered;
    }
}
