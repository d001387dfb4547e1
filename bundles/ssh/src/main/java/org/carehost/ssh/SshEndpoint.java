package org.carehost.ssh;

import java.net.InetSocketAddress;

import org.osgi.annotation.versioning.ProviderType;

/** Registered while the SSH server listens; gone when it stops or could not bind. */
@ProviderType
public interface SshEndpoint {

    /** The address and port it listens on. */
    InetSocketAddress address();
}
