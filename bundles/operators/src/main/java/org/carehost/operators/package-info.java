/**
 * Operator accounts for the container's own bundles: who may operate Carehost (roles, the tenants a hospital
 * administrator administers), their credentials (password, API tokens, SSH keys, a second factor) and logins.
 * Plugins never see this package; they may only add an {@link org.carehost.sdk.auth.Authenticator}.
 */
@Export
@Version("1.4.0")
package org.carehost.operators;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
