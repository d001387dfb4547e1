package org.carehost.sdk.plugin;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.service.event.EventHandler;

/**
 * Reacts to host events (an appointment scheduled, a patient created). A workflow is an Event Admin
 * handler: register it under both interfaces ({@code service = {Workflow.class, EventHandler.class}}, as
 * Event Admin delivers only to {@code EventHandler} services) with the {@code event.topics} property naming
 * topics from {@code org.carehost.sdk.event}. Sample: {@code sample-plugins/appointment-reminder}.
 */
@ConsumerType
public interface Workflow extends EventHandler {
}
