package org.carehost.catalog;

/**
 * One bundle of an install plan: the offer, and whether it is the plugin asked for or a dependency. Every step
 * is installed as a plugin (scanned, enforced, listed by {@code plugin:list}).
 */
public record PlanStep(Offer offer, boolean requested) {
}
