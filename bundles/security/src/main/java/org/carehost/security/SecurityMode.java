package org.carehost.security;

/** How much the security manager trusts a plugin without an operator's policy entry. */
public enum SecurityMode {
    /** Declared host-service permissions are granted; ambient ones need a grant; unsigned plugins run. */
    DEVELOPMENT,
    /** Nothing is granted without a policy entry, and only plugins signed by a trusted signer resolve. */
    PRODUCTION
}
