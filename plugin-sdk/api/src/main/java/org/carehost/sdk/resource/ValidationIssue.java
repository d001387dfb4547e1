package org.carehost.sdk.resource;

import java.util.Objects;

/**
 * One problem found in a resource.
 *
 * @param severity how bad it is
 * @param path where, as a FHIRPath-like path, e.g. {@code Patient.birthDate} or {@code Patient.name[0].family}
 * @param message what is wrong, in plain words
 */
public record ValidationIssue(Severity severity, String path, String message) {

    public ValidationIssue {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    public static ValidationIssue error(String path, String message) {
        return new ValidationIssue(Severity.ERROR, path, message);
    }

    public static ValidationIssue warning(String path, String message) {
        return new ValidationIssue(Severity.WARNING, path, message);
    }

    @Override
    public String toString() {
        return severity + " " + path + ": " + message;
    }
}
