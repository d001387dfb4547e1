package org.carehost.wasm.internal;

/** A WebAssembly call that failed, and why; the message names the plugin and the next step where there is one. */
final class WasmCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    enum Kind { NO_PLUGIN, NO_FUNCTION, STOPPED, TOO_LARGE, BUSY, INSTANTIATION, DEADLINE, MEMORY, TRAP, PLUGIN_ERROR, DENIED }

    private final Kind kind;

    WasmCallException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
