/**
 * The care context every host-service call runs in: whose data (tenant), who acts (user, roles), why (purpose
 * of use) and a correlation id. The container sets it when it invokes a plugin; plugins read it, never set it.
 */
@Export
@Version("1.0.0")
package org.carehost.sdk.context;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
