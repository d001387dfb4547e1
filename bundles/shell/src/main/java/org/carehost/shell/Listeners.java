package org.carehost.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Where operators can reach the container from outside, read from the listeners' services: those registered with a
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
        List<String> lines = new ArrayList<>();
        for (ServiceReference<?> reference : all(context, "(" + PROPERTY + "=*)")) {
            lines.add(String.valueOf(reference.getProperty(PROPERTY)));
        }
        for (ServiceReference<?> runtime : all(context, "(" + HTTP_ENDPOINT + "=*)")) {
            for (String endpoint : httpEndpoints(runtime)) {
                lines.add(endpoint + "api/v1 (console: " + endpoint + "console/)");
            }
        }
        // Felix HTTP puts its addresses on more than one of its services (the runtime, the HTTP service): each once.
        return lines.stream().distinct().sorted().toList();
    }

    /** Whether an HTTP runtime with an address is registered. */
    public static boolean httpListening(BundleContext context) {
        return all(context, "(" + HTTP_ENDPOINT + "=*)").length > 0;
    }

    private static List<String> httpEndpoints(ServiceReference<?> runtime) {
        Object endpoints = runtime.getProperty(HTTP_ENDPOINT);
        List<String> all = new ArrayList<>();
        for (Object endpoint : endpoints instanceof Object[] many ? many
                : endpoints instanceof Collection<?> list ? list.toArray() : new Object[] {endpoints}) {
            String text = String.valueOf(endpoint);
            all.add(text.endsWith("/") ? text : text + "/");
        }
        return all;
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
