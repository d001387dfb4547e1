package org.carehost.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Where the admin API and the web console listen, and TLS: {@code etc/org.carehost.http.listener.cfg}. The container
 * turns these into Felix HTTP's own configuration ({@link ListenerSettings}).
 */
@ObjectClassDefinition(id = ListenerSettings.PID, name = "Carehost HTTP listeners",
        description = "The address and ports of the admin API and web console, plain HTTP and HTTPS (TLS).")
@interface ListenerConfiguration {

    @AttributeDefinition(required = false, description = "The address both listeners bind to. Empty: the framework "
            + "property org.apache.felix.http.host, else 127.0.0.1 (runtime.bndrun)")
    String address() default "";

    @AttributeDefinition(min = "0", max = "65535", description = "The plain HTTP port. 0: the framework property "
            + "org.osgi.service.http.port, else 8181 (runtime.bndrun)")
    int port() default 0;

    @AttributeDefinition(description = "Whether plain HTTP listens (turn it off once HTTPS is on, for a server reached "
            + "from other machines: while HTTPS is on, credentials over plain HTTP from another machine are refused)")
    boolean httpEnabled() default true;

    @AttributeDefinition(description = "Whether HTTPS listens; needs keyStore and keyStorePassword")
    boolean httpsEnabled() default false;

    @AttributeDefinition(min = "1", max = "65535", description = "The HTTPS port")
    int httpsPort() default 8443;

    @AttributeDefinition(required = false, description = "The key store holding the server's private key and "
            + "certificate chain, in etc/security/ (a relative path is under it; a path or link leading elsewhere is "
            + "refused)")
    String keyStore() default "";

    @AttributeDefinition(type = AttributeType.PASSWORD, required = false, description = "The key store's password, "
            + "also the key's; give it as $[secret:name] or $[env:NAME], never in plain text")
    String keyStorePassword() default "";

    @AttributeDefinition(options = {@org.osgi.service.metatype.annotations.Option(value = "PKCS12"),
            @org.osgi.service.metatype.annotations.Option(value = "JKS")}, description = "The key store's type")
    String keyStoreType() default "PKCS12";
}
