package org.carehost.launcher;

import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Lets JLine find its terminal providers when the Gogo shell builds the interactive console's terminal. JLine looks a
 * provider up through the thread's context class loader ({@code META-INF/services/org/jline/terminal/provider/<name>}),
 * which in the framework is not JLine's bundle: every provider failed, and the console was a "dumb terminal" (a
 * warning at each start, no completion, no line editing; found trying it as an operator would). This synchronous
 * bundle listener sets, on the thread that starts the Gogo JLine bundle and for that start only, the context class
 * loader to that of the bundle JLine's terminal package is wired to, and puts the previous one back at the bundle's next
 * event on that thread (started, or stopped when its start failed).
 *
 * <p>The provider is {@code exec} (JLine runs {@code stty} for the terminal's modes and size) unless the operator names
 * one ({@code -Dorg.jline.terminal.provider=...}): the others load native code, for which JDK 24 and later print a
 * warning at each start unless native access is enabled on the command line, which {@code java -jar} cannot do.
 */
final class JlineProviders implements SynchronousBundleListener {

    static final String GOGO_JLINE = "org.apache.felix.gogo.jline";
    private static final String PROVIDER = "org.jline.terminal.provider";
    private static final String TERMINAL_PACKAGE = "org.jline.terminal";

    private Thread starting;
    private ClassLoader before;

    private JlineProviders() {
    }

    /** For the interactive console: before any bundle starts. */
    static void register(BundleContext systemContext) {
        if (System.getProperty(PROVIDER) == null && System.getProperty(PROVIDER + "s") == null) {
            System.setProperty(PROVIDER, "exec");
        }
        systemContext.addBundleListener(new JlineProviders());
    }

    @Override
    public synchronized void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (!GOGO_JLINE.equals(bundle.getSymbolicName())) {
            return;
        }
        Thread current = Thread.currentThread();
        if (event.getType() == BundleEvent.STARTING) {
            ClassLoader jline = jlineLoader(bundle);
            if (jline != null) {
                starting = current;
                before = current.getContextClassLoader();
                current.setContextClassLoader(jline);
            }
        } else if (starting == current) {
            current.setContextClassLoader(before);
            starting = null;
            before = null;
        }
    }

    /** The class loader of the bundle that gives Gogo JLine the package {@code org.jline.terminal}, or null. */
    private static ClassLoader jlineLoader(Bundle gogoJline) {
        BundleWiring wiring = gogoJline.adapt(BundleWiring.class);
        List<BundleWire> wires = wiring == null ? List.of() : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
        for (BundleWire wire : wires == null ? List.<BundleWire>of() : wires) {
            if (TERMINAL_PACKAGE.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return wire.getProviderWiring().getClassLoader();
            }
        }
        return null;
    }
}
