package org.carehost.sdk.plugin;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Speaks to a system outside the host (a lab system, a payer, a public-health registry). Register as a
 * service; the host and operators use {@link #system()} and {@link #available()} to see its state, and send
 * resources through {@link #send} ({@code adapter:send <system> <resource id>}, or a workflow's
 * {@code org.carehost.sdk.adapter.AdapterService}). The host calls it with a deadline (policy kind {@code adapter});
 * a send that throws or overruns is retried from the host's outbox, so a send may arrive twice: pass
 * {@link AdapterMessage#sendId()} on to the system where it can drop repeats.
 * Example: {@code integration-tests/fixtures/http-adapter}.
 */
@ConsumerType
public interface Adapter {

    /** Which outside system, e.g. {@code state-immunization-registry}. */
    String system();

    /** Whether the outside system answers right now. */
    boolean available();

    /**
     * Sends one resource to the outside system and returns the system's receipt (its id for what it got, or a short
     * acknowledgement); throws when the system did not take it. The host calls it in the care context of the tenant
     * and purpose the send was asked in. An adapter built before 1.5 sends nothing: this default refuses.
     *
     * @since 1.5
     */
    default String send(AdapterMessage message) throws Exception {
        throw new UnsupportedOperationException(system() + " does not send resources (its plugin implements no "
                + "Adapter.send)");
    }
}
