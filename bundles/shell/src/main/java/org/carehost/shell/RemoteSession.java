package org.carehost.shell;

import java.util.OptionalInt;

import org.apache.felix.service.command.CommandSession;
import org.carehost.operators.Operator;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A remote operator's shell session ({@link OperatorShell#open}). {@code exit} and {@code exit N} in it end this
 * session, never the container: the exit command asks the session it runs in ({@code session instanceof
 * RemoteSession}), not the text of the line, and the connection that opened the session ends once {@link #ended}
 * says so. Nothing else (no later command on the line, no session variable) can undo that.
 */
@ProviderType
public interface RemoteSession extends CommandSession {

    /** Who logged in. */
    Operator operator();

    /**
     * Ends this session with {@code status} (0 to 255): the rest of the line does not run, and the connection ends
     * reporting {@code status} where it can (a one-shot SSH command's exit status).
     */
    void end(int status);

    /** The status {@link #end} was given, or empty while the session goes on. */
    OptionalInt ended();
}
