package org.carehost.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Predicate;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Which plugin a name that plugins serve is (a notification channel, an adapter's system): the first plugin that
 * served it, for as long as that plugin is installed, stopped or not. Any plugin, with no permission, may register a
 * service naming any channel or system; the rule that two plugins offering one name serve neither held only while
 * both were registered, so a plugin that registered the name while its owner was stopped (by the operator, a
 * quarantine, a refused start) received the owner's notifications, patient data (red team 21). Recorded in
 * {@code served_names} (kind, name, plugin's symbolic name), shared by the nodes as the outbox is. A name whose
 * plugin was uninstalled is the next plugin's that serves it (a compare-and-set on the old owner, so two nodes
 * cannot both take it). The operator's way to give a name to another plugin is to uninstall its owner.
 *
 * @since 2.7
 */
public final class ServedNames {

    /** A notification channel ({@code Notifier}'s {@code channel} property). */
    public static final String CHANNEL = "channel";
    /** An adapter's system ({@code Adapter.system()}). */
    public static final String SYSTEM = "system";

    private static final String DUPLICATE_KEY = "23505";

    private final Store store;
    private final String kind;

    /** @param kind {@link #CHANNEL} or {@link #SYSTEM} */
    public ServedNames(Store store, String kind) {
        this.store = store;
        this.kind = kind;
    }

    /**
     * The plugin whose {@code name} is: its recorded plugin while {@code installed} says that plugin is installed;
     * else {@code server}, which is recorded as its plugin (it is about to serve it). Null {@code server}: only asks.
     *
     * @param server the symbolic name of the one plugin that would serve it now, or null
     * @param installed whether a plugin of that symbolic name is installed
     */
    public String owner(String name, String server, Predicate<String> installed) throws SQLException {
        String recorded = recorded(name);
        if (recorded != null && installed.test(recorded)) {
            return recorded;
        }
        if (server == null) {
            return null;
        }
        try (Connection connection = store.connection()) {
            if (recorded == null) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO served_names (kind, name, plugin) VALUES (?, ?, ?)")) {
                    insert.setString(1, kind);
                    insert.setString(2, name);
                    insert.setString(3, server);
                    insert.executeUpdate();
                    return server;
                } catch (SQLException e) {
                    if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                        throw e;
                    }
                    // another node or thread recorded it first: its answer holds
                    String now = recorded(name);
                    return now != null && installed.test(now) ? now : server;
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE served_names SET plugin = ? WHERE kind = ? AND name = ? AND plugin = ?")) {
                update.setString(1, server);
                update.setString(2, kind);
                update.setString(3, name);
                update.setString(4, recorded);
                if (update.executeUpdate() == 1) {
                    return server;
                }
            }
            String now = recorded(name);
            return now != null && installed.test(now) ? now : server;
        }
    }

    /** Whether a bundle of a symbolic name is installed in {@code context}'s framework, in any state. */
    public static Predicate<String> installedIn(BundleContext context) {
        return name -> {
            for (Bundle bundle : context.getBundles()) {
                if (name.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                    return true;
                }
            }
            return false;
        };
    }

    private String recorded(String name) throws SQLException {
        try (Connection connection = store.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT plugin FROM served_names WHERE kind = ? AND name = ?")) {
            select.setString(1, kind);
            select.setString(2, name);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
