package org.carehost.sdk.patient;

/**
 * A way to reach the patient (FHIR {@code ContactPoint}).
 *
 * @param system {@code phone}, {@code email}, {@code sms}…
 * @param value the number or address
 * @param use {@code home}, {@code work}, {@code mobile}…; may be null
 */
public record ContactPoint(String system, String value, String use) {
}
