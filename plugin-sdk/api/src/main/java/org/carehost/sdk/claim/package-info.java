/**
 * Claims, as the host passes them to the plugins' claim validators ({@code Validator<Claim>}).
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.claim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
