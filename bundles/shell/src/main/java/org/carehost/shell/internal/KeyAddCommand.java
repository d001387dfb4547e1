package org.carehost.shell.internal;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.carehost.operators.OperatorAccounts;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code user:key-add <name> ssh-ed25519 AAAA… [comment]}: adds an SSH public key to an account. A Gogo
 * {@link Function}, because a command name with a hyphen cannot be a method name.
 */
@Component(service = Function.class, property = {
        "osgi.command.scope=user",
        "osgi.command.function=key-add",
        "carehost.command.help=Usage: user:key-add <name> <type> <base64 key> [comment] (the line of a .pub file). "
                + "Adds an SSH public key (ssh-ed25519, ecdsa-sha2-nistp256/384/521, or ssh-rsa of 2048 bits or more) "
                + "to an account; a key that does not parse is refused and nothing is stored"
})
public final class KeyAddCommand implements Function {

    static final String USAGE = "Usage: user:key-add <name> <type> <base64 key> [comment] (the line of a .pub file)";

    private final OperatorAccounts accounts;

    @Activate
    public KeyAddCommand(@Reference OperatorAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        if (arguments == null || arguments.size() < 3) {
            throw new IllegalArgumentException(USAGE);
        }
        String name = String.valueOf(arguments.get(0));
        String line = arguments.subList(1, arguments.size()).stream().map(String::valueOf)
                .collect(Collectors.joining(" "));
        return "Key " + accounts.addKey(name, line) + " added to " + name + ".";
    }
}
