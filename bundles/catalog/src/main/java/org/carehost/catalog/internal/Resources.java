package org.carehost.catalog.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Version;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.resource.Capability;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;

/**
 * What the catalog reads from a repository resource: identity, content (hash, URL, size), and the Carehost
 * attributes the indexer adds ({@link #CAREHOST_NAMESPACE}: declared permissions and signer). One place for the
 * namespaces and attribute names, used by the reader and the writer alike.
 */
final class Resources {

    /** The capability the Carehost indexer adds to each bundle: {@code permissions} (a list) and {@code signer}. */
    static final String CAREHOST_NAMESPACE = "carehost.plugin";
    static final String PERMISSIONS = "permissions";
    static final String SIGNER = "signer";
    /** The bundle's {@code Bundle-Name}, which R5 identity attributes do not carry. */
    static final String NAME = "name";
    /** The content namespace of R5 indexes (osgi.content): SHA-256 as the capability's value, url and size. */
    static final String CONTENT_NAMESPACE = "osgi.content";
    /** Resources bnd adds for each release of a multi-release jar: not bundles one can install. */
    static final String MRJ_PREFIX = "urn:osgi-bnd-mrj";
    static final String KIND_LIBRARY = "library";
    static final String KIND_PLUGIN = "plugin";
    private static final String SDK_PLUGIN_PACKAGE = "org.carehost.sdk.plugin.";

    private Resources() {
    }

    static Capability identity(Resource resource) {
        List<Capability> identities = resource.getCapabilities(IdentityNamespace.IDENTITY_NAMESPACE);
        return identities.isEmpty() ? null : identities.get(0);
    }

    static String symbolicName(Resource resource) {
        Capability identity = identity(resource);
        return identity == null ? null : String.valueOf(identity.getAttributes().get(IdentityNamespace.IDENTITY_NAMESPACE));
    }

    static Version version(Resource resource) {
        Capability identity = identity(resource);
        Object version = identity == null ? null : identity.getAttributes().get(IdentityNamespace.CAPABILITY_VERSION_ATTRIBUTE);
        if (version == null) {
            return Version.emptyVersion;
        }
        return version instanceof Version v ? v : Version.parseVersion(version.toString());
    }

    static String type(Resource resource) {
        Capability identity = identity(resource);
        Object type = identity == null ? null : identity.getAttributes().get(IdentityNamespace.CAPABILITY_TYPE_ATTRIBUTE);
        return type == null ? IdentityNamespace.TYPE_UNKNOWN : type.toString();
    }

    static String attribute(Resource resource, String key) {
        Capability identity = identity(resource);
        Object value = identity == null ? null : identity.getAttributes().get(key);
        return value == null ? null : value.toString();
    }

    static Capability content(Resource resource) {
        List<Capability> contents = resource.getCapabilities(CONTENT_NAMESPACE);
        return contents.isEmpty() ? null : contents.get(0);
    }

    static String sha256(Resource resource) {
        Capability content = content(resource);
        Object hash = content == null ? null : content.getAttributes().get(CONTENT_NAMESPACE);
        return hash == null ? null : hash.toString().toLowerCase(java.util.Locale.ROOT);
    }

    static String url(Resource resource) {
        Capability content = content(resource);
        Object url = content == null ? null : content.getAttributes().get("url");
        return url == null ? null : url.toString();
    }

    static long size(Resource resource) {
        Capability content = content(resource);
        Object size = content == null ? null : content.getAttributes().get("size");
        return size instanceof Number n ? n.longValue() : -1;
    }

    static List<String> permissions(Resource resource) {
        Object value = carehost(resource).get(PERMISSIONS);
        List<String> permissions = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.stream().map(String::valueOf).filter(item -> !item.isBlank()).forEach(permissions::add);
        } else if (value != null && !value.toString().isBlank()) {
            for (String item : value.toString().split(",")) {
                permissions.add(item.trim());
            }
        }
        return permissions;
    }

    static String name(Resource resource) {
        Object value = carehost(resource).get(NAME);
        return value == null ? null : value.toString();
    }

    static String signer(Resource resource) {
        Object value = carehost(resource).get(SIGNER);
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static Map<String, Object> carehost(Resource resource) {
        List<Capability> caps = resource.getCapabilities(CAREHOST_NAMESPACE);
        return caps.isEmpty() ? Map.of() : caps.get(0).getAttributes();
    }

    /**
     * The plugin's kind: the SDK plugin interface its components provide (validator, workflow, notifier, transformer,
     * adapter), "plugin" for other components, "library" for a bundle without components.
     */
    static String kind(Resource resource) {
        for (Capability service : resource.getCapabilities("osgi.service")) {
            Object classes = service.getAttributes().get("objectClass");
            for (Object name : classes instanceof List<?> list ? list : List.of(String.valueOf(classes))) {
                String text = String.valueOf(name);
                if (text.startsWith(SDK_PLUGIN_PACKAGE) && text.indexOf('.', SDK_PLUGIN_PACKAGE.length()) < 0) {
                    return text.substring(SDK_PLUGIN_PACKAGE.length()).toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        for (Requirement requirement : resource.getRequirements("osgi.extender")) {
            String filter = requirement.getDirectives().get("filter");
            if (filter != null && filter.contains("osgi.component")) {
                return KIND_PLUGIN;
            }
        }
        return KIND_LIBRARY;
    }

    /** Whether bnd added this resource for one release of a multi-release jar (it is no bundle of its own). */
    static boolean isMultiReleasePart(Resource resource) {
        for (Capability capability : resource.getCapabilities(null)) {
            for (Object value : capability.getAttributes().values()) {
                if (value instanceof String text && text.startsWith(MRJ_PREFIX)) {
                    return true;
                }
            }
        }
        return false;
    }
}
