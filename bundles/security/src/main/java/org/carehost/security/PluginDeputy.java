package org.carehost.security;

import java.nio.file.Path;
import java.util.function.Supplier;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * For a container bundle that runs a plugin's code inside its own: the WebAssembly runtime runs a module's code in
 * its bundle, and offers the module functions that reach the network (Extism's HTTP function) and files (WASI) on the
 * plugin's behalf. Without this, the run-time checks would see only the container bundle on the stack and let every
 * such call pass as the container's.
 *
 * <p>{@link #actFor} marks work as done for a plugin: a call the run-time agent stops at inside it is decided by that
 * plugin's grants and scopes (its {@code use:network host:port}, its folder for {@code use:files}), refused and
 * audited in its name, as if the plugin had made it. The calling bundle's own frames inside the work act for the
 * plugin too; any other container bundle's frames (a logger, a host service) stay the container's.
 *
 * <p>Only container bundles get this service: the security manager refuses it to every plugin (a plugin that could
 * act "for" another plugin would borrow its grants).
 */
@ProviderType
public interface PluginDeputy {

    /**
     * Runs {@code work} on the calling thread as done for {@code plugin}, and returns its result.
     *
     * @throws IllegalArgumentException when {@code plugin} is not a plugin (a container bundle needs no deputy)
     */
    <T> T actFor(Bundle plugin, Supplier<T> work);

    /**
     * The plugin's own folder, {@code data/plugins/<symbolic name>/} (or where the security manager's configuration
     * puts plugins' folders), made if it is missing: the one folder {@code use:files} reaches unless the policy names
     * more.
     */
    Path folder(Bundle plugin);
}
