/**
 * Appointments: the FHIR R4-shaped model and the AppointmentService to schedule, cancel and reschedule them.
 */
@Export
@Version("1.1.0")
package org.carehost.sdk.appointment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
