package org.carehost.wasm.internal;

import org.extism.sdk.chicory.Plugin;

/** One instance of a module (its own linear memory and host functions) and the slot its host functions report to. */
record WasmInstance(Plugin plugin, InstanceSlot slot) {
}
