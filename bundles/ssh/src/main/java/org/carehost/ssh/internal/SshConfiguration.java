package org.carehost.ssh.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.carehost.ssh", name = "Carehost SSH shell",
        description = "The operators' shell over SSH: where it listens and how operators log in.")
@interface SshConfiguration {

    @AttributeDefinition(description = "Whether the SSH shell listens at all")
    boolean enabled() default true;

    @AttributeDefinition(description = "Address to listen on; 127.0.0.1 keeps it on this machine (use an SSH "
            + "tunnel or a bastion), 0.0.0.0 every interface")
    String address() default "127.0.0.1";

    @AttributeDefinition(min = "0", max = "65535", description = "Port (0: any free port, for tests)")
    int port() default 8101;

    @AttributeDefinition(description = "Whether operators may log in with a password (off: public keys only). On, "
            + "keyboard-interactive asks for the password and the one-time code (TOTP or recovery code) that roles "
            + "needing a second factor must give; the plain password method logs in only roles that need none")
    boolean passwordLogin() default false;

    @AttributeDefinition(description = "The host key file, made on the first start (relative to the working folder)")
    String hostKey() default "etc/security/ssh-host-key";

    @AttributeDefinition(min = "10", max = "86400", description = "Seconds a session may stay idle before it is closed")
    int idleSeconds() default 1800;
}
