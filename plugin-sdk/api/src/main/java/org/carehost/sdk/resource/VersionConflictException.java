package org.carehost.sdk.resource;

/**
 * An update was based on a version that is no longer current: someone else changed the resource
 * first. Read it again, reapply the change, and retry. Nothing was stored.
 */
public class VersionConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long expected;
    private final long current;

    public VersionConflictException(String resourceType, String id, long expected, long current) {
        super(resourceType + "/" + id + " was updated by someone else: the change is based on version " + expected
                + " but the current version is " + current + "; read it again and retry");
        this.expected = expected;
        this.current = current;
    }

    public long expectedVersion() {
        return expected;
    }

    public long currentVersion() {
        return current;
    }
}
