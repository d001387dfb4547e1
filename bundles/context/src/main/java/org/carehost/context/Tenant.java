package org.carehost.context;

import java.time.Instant;

/** A hospital: its id (as in care contexts), its name, who created it and when. */
public record Tenant(String id, String name, String createdBy, Instant created) {
}
