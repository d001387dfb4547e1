package org.carehost.sdk.auth;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Verifies an operator's user name and password against a system outside Carehost. Registered as an OSGi service
 * by a plugin; the container asks each one (highest service ranking first) when its own accounts do not know the
 * user. Called on a login, never per request.
 */
@ConsumerType
public interface Authenticator {

    /**
     * The permission a plugin must hold (declare in {@code Carehost-Permissions} and be granted) for the container to
     * ask its authenticator: without it the service is never offered a password, and the security manager says so at
     * install and in {@code plugin:why}. The one definition of that rule.
     *
     * @since 1.1
     */
    String PERMISSION = org.carehost.sdk.security.Permissions.VERIFY_LOGINS;

    /**
     * Checks the credentials.
     *
     * @param user the name the person typed
     * @param password the password; the caller wipes it after the call, do not keep it
     * @param source where the login comes from ({@code ssh 127.0.0.1}, {@code http 10.0.0.7}), for the plugin's logs
     * @return who it is when the credentials are right; empty when this authenticator does not know the user or the
     *         password is wrong (the container audits the failure and counts it toward the lockout)
     */
    Optional<Identity> verify(String user, char[] password, String source);
}
