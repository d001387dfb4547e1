package org.carehost.sdk.audit;

/**
 * The result of checking the whole chain.
 *
 * @param intact whether every record is there, unchanged and in order
 * @param checked how many records were checked
 * @param firstBadSequence the first record found changed, missing, inserted or out of order; 0 when intact
 * @param problem what is wrong there, in plain words; null when intact
 */
public record Verification(boolean intact, long checked, long firstBadSequence, String problem) {
}
