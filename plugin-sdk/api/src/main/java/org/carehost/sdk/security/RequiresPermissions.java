package org.carehost.sdk.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.annotation.bundle.Header;

/**
 * Declares the permissions a plugin needs, e.g. {@code @RequiresPermissions({"read:patients", "write:appointments"})}
 * on its component. When the plugin is built, bnd turns it into the manifest header {@code Carehost-Permissions};
 * the host grants (or refuses) from that declaration. Names are in {@link Permissions}.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
@Header(name = Permissions.HEADER, value = "${#value}")
public @interface RequiresPermissions {
    String[] value();
}
