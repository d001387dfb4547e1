/**
 * Patients: the FHIR R4-shaped model and the PatientService plugins use to find, read, create and update them.
 */
@Export
@Version("1.2.0")
package org.carehost.sdk.patient;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
