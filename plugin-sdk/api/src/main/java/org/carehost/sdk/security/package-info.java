/**
 * Permissions a plugin declares and the exception a denied call throws.
 */
@Export
@Version("1.5.0")
package org.carehost.sdk.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
