package org.carehost.sdk.resource;

/** How bad a validation issue is; only errors make a resource invalid. */
public enum Severity {
    ERROR, WARNING, INFORMATION
}
