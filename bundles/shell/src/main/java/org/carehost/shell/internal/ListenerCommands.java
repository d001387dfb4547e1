package org.carehost.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code carehost:listeners}: where operators can reach the container from outside (the SSH shell, the HTTP API),
 * read from the services that listeners register with a {@code carehost.listener} property while they listen (SSH), and
 * from the HTTP runtime's {@code osgi.http.endpoint} (Felix HTTP: the HTTP and HTTPS addresses it listens on). The
 * interactive console's greeting runs it (etc/gosh_profile); a script's output never has it unless the script asks.
 */
@Component(service = ListenerCommands.class, property = {
        "osgi.command.scope=carehost",
        "osgi.command.function=listeners"
})
public final class ListenerCommands {

    static final String PROPERTY = "carehost.listener";
    /** The HTTP runtime's addresses (OSGi HTTP Whiteboard), e.g. {@code http://127.0.0.1:8181/}. */
    static final String HTTP_ENDPOINT = "osgi.http.endpoint";

    private final BundleContext context;

    @Activate
    public ListenerCommands(BundleContext context) {
        this.context = context;
    }

    private ServiceReference<?>[] all(String filter) throws InvalidSyntaxException {
        ServiceReference<?>[] found = context.getAllServiceReferences(null, filter);
        return found == null ? new ServiceReference<?>[0] : found;
    }

    @Descriptor("where the container listens for operators (SSH, HTTP)")
    public String listeners() throws InvalidSyntaxException {
        // Every service, whatever its class and whether this bundle could use it (the SSH endpoint, the HTTP runtime):
        // only their properties are read. getServiceReferences(Object.class, ...) would find only services registered
        // under java.lang.Object itself, that is none.
        List<String> lines = new ArrayList<>();
        for (ServiceReference<?> reference : all("(" + PROPERTY + "=*)")) {
            lines.add(String.valueOf(reference.getProperty(PROPERTY)));
        }
        for (ServiceReference<?> runtime : all("(" + HTTP_ENDPOINT + "=*)")) {
            Object endpoints = runtime.getProperty(HTTP_ENDPOINT);
            for (Object endpoint : endpoints instanceof Object[] many ? many
                    : endpoints instanceof Collection<?> list ? list.toArray() : new Object[] {endpoints}) {
                lines.add(String.valueOf(endpoint) + "api/v1 (console: " + endpoint + "console/)");
            }
        }
        lines.sort(null);
        return lines.isEmpty() ? "No remote listeners yet (SSH and HTTP may still be starting, be off, or have failed "
                + "to bind; the log says which)."
                : "Listening for operators: " + String.join(", ", lines);
    }
}
