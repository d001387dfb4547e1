package org.carehost.security.internal;

import java.util.List;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.weaving.WeavingException;
import org.osgi.framework.hooks.weaving.WeavingHook;
import org.osgi.framework.hooks.weaving.WovenClass;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleWire;

/**
 * The backstop behind the resolver hook: no class of a refused plugin is ever defined. It catches what
 * resolved without the resolver hook's say: a bundle with no requirements at all, and plugins the launcher
 * resolved at a restart before the security manager was running (those are also refreshed once it is). And where the
 * agent runs, each plugin class's {@code monitorenter} gets its check ({@link PluginClassWeaver}).
 */
final class ClassGate implements WeavingHook {

    private final PluginScope scope;
    private final Function<Bundle, List<String>> admission;
    private final PluginCodeSeen pluginCode;
    /** Whether the agent's gate is there to call: each plugin class's {@code monitorenter} is then checked first. */
    private final boolean weaveMonitors = Causes.agentRuns();
    /**
     * Thrown when the check failed and no message can be made (a stack run out on purpose, a heap full): any throwable
     * but a {@link WeavingException} would make Felix switch this hook off for good.
     */
    private final WeavingException checkFailed = new WeavingException("Carehost security: a class was not loaded: its "
            + "check failed with no room left to say why (a stack or heap run out); it is looked for again at its next load");

    /** @param pluginCode told of every class about to be defined, first: a plugin's starts the run-time layer's walks */
    ClassGate(PluginScope scope, Function<Bundle, List<String>> admission, PluginCodeSeen pluginCode) {
        this.scope = scope;
        this.admission = admission;
        this.pluginCode = pluginCode;
    }

    @Override
    public void weave(WovenClass woven) {
        try {
            pluginCode.classDefining(woven.getBundleWiring().getBundle());
            check(woven);
        } catch (WeavingException refused) {
            throw refused;
        } catch (Throwable e) {
            // Any other exception would make Felix switch this hook off for good, and a plugin's classes would then
            // be defined unseen: refuse the class instead, and walk every call from now on
            WeavingException refusal = checkFailed;
            try {
                pluginCode.markSeen();
                refusal = new WeavingException("Carehost security: class " + woven.getClassName() + " not loaded: the "
                        + "check failed (" + e + ")");
            } catch (Throwable noRoom) {
                // the prepared refusal: building the message needs the stack or heap the failure may have left none of
            }
            throw refusal;
        }
    }

    private void check(WovenClass woven) {
        Bundle bundle = woven.getBundleWiring().getBundle();
        if (!scope.isPlugin(bundle)) {
            refuseFragmentClasses(woven, bundle);
            return;
        }
        List<String> refusals = admission.apply(bundle);
        if (!refusals.isEmpty()) {
            throw new WeavingException("Carehost security: class " + woven.getClassName() + " of plugin "
                    + bundle.getSymbolicName() + " not loaded: " + String.join("; ", refusals));
        }
        if (weaveMonitors) {
            byte[] checked = PluginClassWeaver.weave(woven.getBytes());
            if (checked != null) {
                woven.setBytes(checked);
            }
        }
    }


    /**
     * A plugin fragment that got attached to a container bundle anyway (resolved at a restart before the security
     * manager ran) adds classes to the container's class loader; none of them is defined.
     */
    private void refuseFragmentClasses(WovenClass woven, Bundle host) {
        List<BundleWire> fragments = woven.getBundleWiring().getProvidedWires(HostNamespace.HOST_NAMESPACE);
        if (fragments == null || fragments.isEmpty()) {
            return;
        }
        String path = woven.getClassName().replace('.', '/') + ".class";
        for (BundleWire wire : fragments) {
            Bundle fragment = wire.getRequirer().getBundle();
            if (scope.isPlugin(fragment) && fragment.getEntry(path) != null && host.getEntry(path) == null) {
                throw new WeavingException("Carehost security: class " + woven.getClassName() + " of plugin fragment "
                        + fragment.getSymbolicName() + " not loaded into the container bundle " + host.getSymbolicName());
            }
        }
    }
}
