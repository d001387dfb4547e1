package org.carehost.context;

import java.util.Optional;

import org.carehost.sdk.context.CareContext;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a context lives when no thread binding holds it: an operator's shell session, whose commands run on
 * threads the shell picks. {@link ContextBinder} asks every source when nothing is bound, and accepts only
 * contexts it declared itself. Implemented by other container bundles (the shell's sessions): a consumer type.
 */
@ConsumerType
public interface ContextSource {

    /** The context of the work on this thread, if this source knows it. */
    Optional<CareContext> current();
}
