package org.carehost.wasm.internal;

import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.Descriptor;
import org.carehost.shell.TerminalText;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code wasm:call} and {@code wasm:list}: a thin shell over the {@link WasmExtender}. */
@Component(service = WasmCommands.class, property = {
        "osgi.command.scope=wasm",
        "osgi.command.function=call",
        "osgi.command.function=list"
})
public final class WasmCommands {

    private final WasmExtender extender;

    /** Tries of a call whose plugin was replaced under it. */
    private static final int MAX_ATTEMPTS = 4;

    @Activate
    public WasmCommands(@Reference WasmExtender extender) {
        this.extender = extender;
    }

    @Descriptor("call a WebAssembly plugin's exported function with text input; prints its output")
    public String call(@Descriptor("plugin: symbolic name or id") String plugin,
            @Descriptor("exported function") String function,
            @Descriptor("input text (quote it; may be empty)") String... input) {
        String text = String.join(" ", input);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1;; attempt++) {
            try {
                // the module's output, as text a terminal shows and never acts on
                return TerminalText.printable(new String(extender.find(plugin, function).call(function, bytes),
                        StandardCharsets.UTF_8));
            } catch (WasmCallException e) {
                // replaced between the look-up and the call: the new revision takes it (find waits for it); an
                // update followed by a refresh replaces it twice
                if (e.kind() != WasmCallException.Kind.STOPPED || attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
    }

    @Descriptor("list the running WebAssembly plugins: kind, module, exported functions, limits")
    public String list() {
        StringBuilder out = new StringBuilder();
        if (extender.plugins().isEmpty()) {
            return "No WebAssembly plugins are running. Drop a plugin jar with a Carehost-Wasm header, or a .wasm "
                    + "file, into the deploy folder.\n";
        }
        out.append(String.format("%-5s %-40s %-12s %-24s %s%n", "ID", "PLUGIN", "KIND", "MODULE", "LIMITS"));
        for (WasmPlugin plugin : extender.plugins()) {
            out.append(String.format("%-5d %-40s %-12s %-24s %s%n", plugin.bundle().getBundleId(), plugin.name(),
                    plugin.descriptor().kind().id(), plugin.descriptor().path(), plugin.limits()));
            out.append("      exports: ").append(String.join(", ", new java.util.TreeSet<>(plugin.exports())))
                    .append("; ").append(plugin.state()).append('\n');
        }
        return TerminalText.printable(out.toString()); // export names are the module's
    }
}
