package org.carehost.sdk.resource;

import java.util.List;
import java.util.stream.Collectors;

/** A resource was rejected; {@link #issues()} lists every problem found, not just the first. Nothing was stored. */
public class ValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<ValidationIssue> issues;

    public ValidationException(String resourceType, List<ValidationIssue> issues) {
        super(resourceType + " rejected: " + issues.size() + " problem(s): "
                + issues.stream().map(ValidationIssue::toString).collect(Collectors.joining("; ")));
        this.issues = List.copyOf(issues);
    }

    public List<ValidationIssue> issues() {
        return issues;
    }
}
