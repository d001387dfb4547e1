package org.carehost.wasm.internal;

import java.nio.file.Path;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.carehost.sdk.security.PermissionDeniedException;
import org.carehost.security.PluginDeputy;
import org.extism.sdk.chicory.http.HttpConfig;
import org.osgi.framework.Bundle;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.wasm.types.ValType;

/**
 * What a module reaches outside itself on its plugin's behalf: the network through Extism's HTTP function (only with
 * {@code use:network}) and the plugin's own folder through WASI (only with {@code use:files}). Both run as done for
 * the plugin ({@link PluginDeputy#actFor}), so the run-time agent decides each connection and each file by that
 * plugin's grants and scopes ({@code use:network host:port}, its folder) and audits a refusal in its name, as for a
 * Java plugin; this bundle's own code never reaches them on its own account.
 *
 * <p>Each HTTP request is sent and read on the calling thread ({@link GuestHttp}), on a connection of its own that is
 * closed after it (none kept for another plugin's request), so the agent checks its connection for the plugin;
 * redirects are not followed.
 */
final class GuestReach implements AutoCloseable {

    /** The guest's folder: the plugin's own, seen as the root of its file system. */
    static final String GUEST_ROOT = "/";

    /**
     * The least time an HTTP request may take (connecting, sending and reading included) before it fails, whatever
     * the call's deadline: a first request in a JVM loads {@code HttpURLConnection}'s classes and the protocol
     * handler's, which on a loaded machine outlasts a deadline of 2 s.
     */
    static final long REQUEST_TIMEOUT_MILLIS = 30_000;

    /** WASI preview 1's errno for "permission denied" (Chicory's own enum of them is not public). */
    private static final long WASI_EACCES = 2;

    private final PluginDeputy deputy;

    /**
     * Ends an HTTP request that outlasts its timeout as a whole: one daemon thread, started here (the container's),
     * never inside a plugin's request.
     */
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        Thread thread = new Thread(null, r, "carehost-wasm-http-deadlines", 0, false);
        thread.setDaemon(true);
        return thread;
    });

    GuestReach(PluginDeputy deputy) {
        this.deputy = deputy;
        deadlines.setRemoveOnCancelPolicy(true);
        deadlines.prestartAllCoreThreads();
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
    }

    /**
     * Extism's HTTP configuration for one instance: its own adapter (status and headers are per instance). A request
     * is a host call for the instance's deadline ({@code slot}): not interrupted while it runs (it has its own timeout,
     * {@link #REQUEST_TIMEOUT_MILLIS} at the least), the deadline delivered when it returns.
     */
    HttpConfig http(Bundle plugin, InstanceSlot slot, long timeoutMillis, int maxResponseBytes) {
        return HttpConfig.builder().withJsonCodec(GuestHttp.Json::new)
                .withClientAdapter(() -> new GuestHttp(deputy, deadlines, plugin, slot,
                        Math.max(timeoutMillis, REQUEST_TIMEOUT_MILLIS), maxResponseBytes))
                .build();
    }

    /** The plugin's own folder, made if missing (the security manager's one definition of it). */
    Path folder(Bundle plugin) {
        return deputy.folder(plugin);
    }

    /**
     * WASI's functions as done for the plugin: a file call the agent refuses answers the guest {@code EACCES} (the
     * refusal is audited) instead of trapping the call.
     */
    HostFunction[] asPlugin(Bundle plugin, HostFunction[] wasi) {
        HostFunction[] wrapped = new HostFunction[wasi.length];
        for (int i = 0; i < wasi.length; i++) {
            HostFunction function = wasi[i];
            boolean errno = function.returnTypes().size() == 1 && function.returnTypes().get(0) == ValType.I32;
            wrapped[i] = new HostFunction(function.module(), function.name(), function.functionType(),
                    (instance, args) -> {
                        try {
                            return deputy.actFor(plugin, () -> function.handle().apply(instance, args));
                        } catch (PermissionDeniedException refused) {
                            if (!errno) {
                                throw refused;
                            }
                            return new long[] {WASI_EACCES};
                        }
                    });
        }
        return wrapped;
    }

}
