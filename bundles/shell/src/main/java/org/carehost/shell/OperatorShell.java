package org.carehost.shell;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.carehost.operators.Operator;
import org.osgi.annotation.versioning.ProviderType;

/** Opens Gogo sessions for an operator who logged in remotely. */
@ProviderType
public interface OperatorShell {

    /**
     * A session whose commands run as {@code operator}: a command their roles do not allow is refused (and audited)
     * before it runs, method calls on Java objects are for admins only, and commands run in a care context naming
     * them. Close it when the connection ends.
     *
     * @param source where they connect from, e.g. {@code ssh 127.0.0.1:50412}, for the audit trail
     */
    CommandSession open(Operator operator, String source, InputStream in, PrintStream out, PrintStream err);

    /** The commands {@code operator} may run (scope:function), sorted: for completion and help. */
    List<String> commands(Operator operator);
}
