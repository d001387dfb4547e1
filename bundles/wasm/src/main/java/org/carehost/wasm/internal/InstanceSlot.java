package org.carehost.wasm.internal;

/**
 * The call an instance is running now, for its host functions: they tell its {@link CallGuard} when the thread leaves
 * WebAssembly code and comes back. An instance runs one call at a time (the pool hands it to one caller).
 */
final class InstanceSlot {

    private volatile CallGuard guard;

    void begin(CallGuard current) {
        this.guard = current;
    }

    void end() {
        this.guard = null;
    }

    void enterHost() {
        CallGuard current = guard;
        if (current != null) {
            current.enterHost();
        }
    }

    void leaveHost() {
        CallGuard current = guard;
        if (current != null) {
            current.leaveHost();
        }
    }
}
