package org.carehost.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Where operators can reach the container from outside, read from the container's listeners' services (a plugin's
 * service with such a property is not read): those registered with a
 * {@value #PROPERTY} property while they listen (the SSH shell), and the HTTP runtime's {@value #HTTP_ENDPOINT} (Felix
 * HTTP: the HTTP and HTTPS addresses it listens on, with the port it really bound). One definition for
 * {@code carehost:listeners} and the interactive console's banner.
 */
public final class Listeners {

    /** A listener's address, e.g. {@code ssh://127.0.0.1:8101}, on the service it registers while it listens. */
    public static final String PROPERTY = "carehost.listener";
    /** The HTTP runtime's addresses (OSGi HTTP Whiteboard), e.g. {@code http://127.0.0.1:8181/}. */
    public static final String HTTP_ENDPOINT = "osgi.http.endpoint";

    private Listeners() {
    }

    /** Each listener's address once (HTTP: the API and the web console), sorted; empty when none listens. */
    public static List<String> addresses(BundleContext context) {
        // Every service, whatever its class and whether the caller could use it (the SSH endpoint, the HTTP runtime):
        // only their properties are read. getServiceReferences(Object.class, ...) would find only services registered
        // under java.lang.Object itself, that is none.
        ContainerBundles container = new ContainerBundles(context);
        List<String> lines = new ArrayList<>();
        for (ServiceReference<?> reference : containers(context, container, PROPERTY)) {
            lines.addAll(texts(reference.getProperty(PROPERTY)));
        }
        for (ServiceReference<?> runtime : containers(context, container, HTTP_ENDPOINT)) {
            for (String text : texts(runtime.getProperty(HTTP_ENDPOINT))) {
                String endpoint = text.endsWith("/") ? text : text + "/";
                lines.add(endpoint + "api/v1 (console: " + endpoint + "console/)");
            }
        }
        // Felix HTTP puts its addresses on more than one of its services (the runtime, the HTTP service): each once.
        return lines.stream().distinct().sorted().toList();
    }

    /** Whether an HTTP runtime with an address is registered. */
    public static boolean httpListening(BundleContext context) {
        return !containers(context, new ContainerBundles(context), HTTP_ENDPOINT).isEmpty();
    }

    /**
     * The services of the container's own bundles with the property: a plugin's service naming an address would put a
     * login address of its choosing beside the real ones (red team 15: a phishing "https://carehost-login..." in
     * carehost:listeners and the console's greeting).
     */
    private static List<ServiceReference<?>> containers(BundleContext context, ContainerBundles container,
            String property) {
        List<ServiceReference<?>> found = new ArrayList<>();
        for (ServiceReference<?> reference : all(context, "(" + property + "=*)")) {
            if (container.isContainer(reference.getBundle())) {
                found.add(reference);
            }
        }
        return found;
    }

    /**
     * A property's text: a String, or the Strings in an array or collection (Felix HTTP's endpoints); no other object
     * is read, nor its toString called (a plugin's that never returned hung the console's greeting, red team 15).
     */
    private static List<String> texts(Object value) {
        Object[] values = value instanceof Object[] many ? many.clone()
                : value instanceof Collection<?> list ? list.toArray() : new Object[] {value};
        List<String> texts = new ArrayList<>();
        for (Object each : values) {
            if (each instanceof String text) {
                texts.add(text);
            }
        }
        return texts;
    }

    private static ServiceReference<?>[] all(BundleContext context, String filter) {
        try {
            ServiceReference<?>[] found = context.getAllServiceReferences(null, filter);
            return found == null ? new ServiceReference<?>[0] : found;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
