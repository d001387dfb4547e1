/**
 * Authenticator plugins: a plugin may verify an operator's credentials for the container (an LDAP or OIDC
 * bridge, for example) by registering an {@link org.carehost.sdk.auth.Authenticator} service. The container's own
 * accounts are always asked first for {@code admin}, so a broken authenticator cannot lock everyone out, and an
 * authenticator can never make anyone an {@code admin}.
 */
@Export
@Version("1.1.0")
package org.carehost.sdk.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
