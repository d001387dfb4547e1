package org.carehost.console.internal;

import java.time.Duration;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.carehost.security.ContainerBundles;
import org.carehost.shell.Listeners;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * {@code carehost:banner}: the interactive console's greeting gives where operators log in. etc/gosh_profile runs it
 * before the first prompt (the Gogo shell starts at start level 45, after the container's bundles, so the command is
 * there; the profile guards it with {@code try} all the same, so that it can never stop the shell). It waits, from
 * state, until the container is ready ({@link Readiness}, with the SSH shell's system-ready check: listening or its
 * failure logged) and the HTTP runtime has its address and serves the container's servlets, each within a bound, then prints the listeners' addresses
 * from their services ({@link Listeners}): the ports they really bound.
 */
@Component(service = BannerCommand.class, property = {
        "osgi.command.scope=carehost",
        "osgi.command.function=banner"
})
public final class BannerCommand {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Felix HTTP starts Jetty once Config Admin delivers its configuration, on Config Admin's thread, behind the etc/
     * and plugin configurations queued there: on a loaded start that can take a while after readiness.
     */
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);
    private static final String HTTP_BUNDLE = "org.apache.felix.http.jetty12";

    private final BundleContext context;
    private final Readiness readiness;
    private final ContainerBundles containerBundles;

    @Activate
    public BannerCommand(BundleContext context, @Reference ServiceComponentRuntime components,
            @Reference org.carehost.plugins.PluginManager plugins) {
        this.context = context;
        this.readiness = new Readiness(context, components, true, plugins::held);
        this.containerBundles = new ContainerBundles(context);
    }

    @Descriptor("waits until the container is ready and prints where operators log in (the interactive greeting)")
    public void banner() throws InterruptedException {
        List<String> missing = readiness.await(READY_TIMEOUT);
        if (httpExpected()) {
            awaitHttp();
        }
        List<String> addresses = Listeners.addresses(context);
        if (!missing.isEmpty()) {
            System.out.println("Not ready: " + String.join("; ", missing)
                    + " (carehost:status says what is missing now).");
        }
        System.out.println(addresses.isEmpty()
                ? "No remote listeners (SSH and HTTP are off or failed to bind; the log says which)."
                : "Operators log in at: " + String.join(", ", addresses) + ".");
    }

    private boolean servletsServed() {
        try {
            return ServletsServed.all(context, containerBundles);
        } catch (NoClassDefFoundError noWhiteboardApi) {
            return true; // the HTTP whiteboard's API is not there: nothing to wait for
        }
    }

    /** Whether Felix HTTP is running, so that an address of its is coming. */
    private boolean httpExpected() {
        for (Bundle bundle : context.getBundles()) {
            if (HTTP_BUNDLE.equals(bundle.getSymbolicName())) {
                return bundle.getState() == Bundle.ACTIVE;
            }
        }
        return false;
    }

    /**
     * Until the HTTP runtime has registered its address and taken up the container's servlets ({@link ServletsServed}),
     * or the bound passes (a port taken: the log says so).
     */
    private void awaitHttp() throws InterruptedException {
        Object changed = new Object();
        ServiceListener listener = event -> {
            synchronized (changed) {
                changed.notifyAll();
            }
        };
        context.addServiceListener(listener);
        try {
            long deadline = System.nanoTime() + HTTP_TIMEOUT.toNanos();
            while (!Listeners.httpListening(context) || !servletsServed()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                synchronized (changed) {
                    changed.wait(Math.min(left, 500));
                }
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }
}
