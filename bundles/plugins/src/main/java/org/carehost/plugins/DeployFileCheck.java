package org.carehost.plugins;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of deploy-folder file other than a bundle jar that a container bundle makes into a plugin (the WebAssembly
 * extender wraps a bare {@code .wasm}): what keeps such a file from becoming one, in the words {@code plugin:why} and
 * the deploy file's FAILED line give. The bundle that wraps the files registers it and asks it too before wrapping,
 * so that what is refused and what is said are one decision. The plugin manager asks only container bundles' checks.
 */
@ConsumerType
public interface DeployFileCheck {

    /** The service property naming the file name ending it checks, e.g. {@code .wasm}. */
    String EXTENSION = "carehost.deploy.extension";

    /** What keeps {@code file} from becoming a plugin, with the next step; null when it can become one. */
    String problem(Path file);
}
