package org.carehost.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.carehost.store", name = "Carehost store",
        description = "The database of the host services. H2 in data/db/ unless a PostgreSQL URL is given.")
@interface StoreConfiguration {

    @AttributeDefinition(required = false, description = "JDBC URL: jdbc:postgresql://host:port/db for PostgreSQL, "
            + "jdbc:h2:... for another H2 database. Empty: the framework property carehost.store.url, else "
            + StoreImpl.DEFAULT_URL)
    String url() default "";

    @AttributeDefinition(description = "Database user")
    String user() default "";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Database password; give it as $[env:NAME] or $[secret:name], never in plain text")
    String password() default "";

    @AttributeDefinition(min = "1", max = "64", description = "Most connections open at once")
    int poolSize() default 8;

    @AttributeDefinition(min = "0", max = "3600", description = "Seconds a borrowed connection may be held before "
            + "the pool logs it as a possible leak, with where it was taken; 0 (the default) for no such check, which "
            + "costs a timer task at every borrow")
    int leakDetectionSeconds() default 0;
}
