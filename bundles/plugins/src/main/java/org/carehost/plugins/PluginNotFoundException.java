package org.carehost.plugins;

/**
 * No plugin has the id or symbolic name asked for. {@link #getMessage()} points a shell user at {@code plugin:list};
 * another front end (the HTTP API) says {@link #what()} and points at its own listing.
 */
public class PluginNotFoundException extends PluginException {
    private static final long serialVersionUID = 1L;

    private final String what;

    /** @param what what is missing, without a next step: {@code No plugin named 'x'} */
    public PluginNotFoundException(String what) {
        super(what + " (plugin:list shows the plugins).");
        this.what = what;
    }

    /** What is missing, without the shell's next step. */
    public String what() {
        return what;
    }
}
