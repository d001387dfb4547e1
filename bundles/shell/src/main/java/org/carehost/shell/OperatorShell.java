package org.carehost.shell;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

import org.carehost.operators.Operator;
import org.osgi.annotation.versioning.ProviderType;

/** Opens Gogo sessions for an operator who logged in remotely. */
@ProviderType
public interface OperatorShell {

    /**
     * A session whose commands run as {@code operator}: a command their roles do not allow is refused (and audited)
     * before it runs, method calls on Java objects are for admins only, and commands run in a care context naming
     * them. {@code exit} in it ends the session ({@link RemoteSession#ended}), never the container. Close it when
     * the connection ends.
     *
     * @param source where they connect from, e.g. {@code ssh 127.0.0.1:50412}, for the audit trail
     */
    RemoteSession open(Operator operator, String source, InputStream in, PrintStream out, PrintStream err);

    /** The commands {@code operator} may run (scope:function), sorted: for completion and help. */
    List<String> commands(Operator operator);

    /**
     * {@code text} as an operator's terminal should get it: shown, never acted on (a control character but a line
     * break or a tab, a C1 control or a bidirectional override becomes visible as a backslash, a u and its code in
     * hexadecimal). The shell's results are already so; this is for what a caller prints itself, such as a failed
     * command's message, which a plugin's exception may write.
     */
    String printable(String text);
}
