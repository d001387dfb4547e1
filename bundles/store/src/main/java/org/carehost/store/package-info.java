/**
 * The container's database, for the container's own bundles (plugins reach data only through the SDK
 * services): pooled connections and the SQL dialect in use.
 */
@Export
@Version("2.7.0")
package org.carehost.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
