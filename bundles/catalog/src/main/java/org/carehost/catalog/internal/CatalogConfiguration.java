package org.carehost.catalog.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** One catalog: {@code etc/org.carehost.catalog-<name>.cfg}, or {@code catalog:add <name> <url>}. */
@ObjectClassDefinition(id = CatalogConfiguration.FACTORY_PID, name = "Carehost plugin catalog",
        description = "A repository index (OSGi R5 index.xml, optionally gzipped) that offers plugins and their "
                + "library bundles.")
@interface CatalogConfiguration {

    String FACTORY_PID = "org.carehost.catalog";

    @AttributeDefinition(name = "Name", required = false,
            description = "The catalog's name in the shell; by default the part of the PID after '~'.")
    String name() default "";

    @AttributeDefinition(name = "URL", description = "file:/path/index.xml or https://host/index.xml "
            + "(http: only on loopback).")
    String url();

    @AttributeDefinition(name = "Trusted signers", required = false,
            description = "Distinguished names of the signers whose plugins this catalog may offer; * for any "
                    + "(unsigned too). The downloaded jar's verified signer must be the one the index names.")
    String[] trust() default {"*"};

    @AttributeDefinition(name = "Cache seconds", min = "0",
            description = "How long a read index is used before it is read again (a file: index is read again as "
                    + "soon as the file changes).")
    int cacheSeconds() default 300;
}
