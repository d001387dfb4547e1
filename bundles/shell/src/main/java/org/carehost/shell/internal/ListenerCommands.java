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
 * read from the services that listeners register with a {@code carehost.listener} property while they listen. The
 * interactive console's greeting runs it; a script's output never has it unless the script asks.
 */
@Component(service = ListenerCommands.class, property = {
        "osgi.command.scope=carehost",
        "osgi.command.function=listeners"
})
public final class ListenerCommands {

    static final String PROPERTY = "carehost.listener";

    private final BundleContext context;

    @Activate
    public ListenerCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("where the container listens for operators (SSH, HTTP)")
    public String listeners() throws InvalidSyntaxException {
        Collection<ServiceReference<Object>> references = context.getServiceReferences(Object.class,
                "(" + PROPERTY + "=*)");
        List<String> lines = new ArrayList<>();
        for (ServiceReference<Object> reference : references) {
            lines.add(String.valueOf(reference.getProperty(PROPERTY)));
        }
        lines.sort(null);
        return lines.isEmpty() ? "No remote listeners (SSH and HTTP are off or could not bind; see the log)."
                : "Listening for operators: " + String.join(", ", lines);
    }
}
