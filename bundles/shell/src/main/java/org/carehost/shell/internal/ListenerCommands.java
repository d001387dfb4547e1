package org.carehost.shell.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.shell.Listeners;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code carehost:listeners}: where operators can reach the container from outside (the SSH shell, the HTTP API), read
 * from the listeners' services ({@link Listeners}). The interactive console's banner gives the same addresses once the
 * container is ready; a script's output never has them unless the script asks.
 */
@Component(service = ListenerCommands.class, property = {
        "osgi.command.scope=carehost",
        "osgi.command.function=listeners"
})
public final class ListenerCommands {

    private final BundleContext context;

    @Activate
    public ListenerCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("where the container listens for operators (SSH, HTTP)")
    public String listeners() {
        List<String> lines = Listeners.addresses(context);
        return lines.isEmpty() ? "No remote listeners yet (SSH and HTTP may still be starting, be off, or have failed "
                + "to bind; the log says which)."
                : "Listening for operators: " + String.join(", ", lines);
    }
}
