package org.carehost.catalog.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.carehost.catalog.CatalogException;
import org.carehost.catalog.Review;
import org.carehost.store.Store;

/** Ratings and reviews in the store's {@code catalog_review} table (migration V9), per tenant. */
final class Reviews {

    /** Average rating and count of one plugin version. */
    record Summary(double average, int count) {
        static final Summary NONE = new Summary(0, 0);
    }

    static final int MAX_TEXT = 2000;

    private final Store store;
    private final Clock clock;

    Reviews(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Every reviewed version's summary in the tenant, by {@code name@version}: one query for a whole search. */
    Map<String, Summary> summaries(String tenant) {
        Map<String, Summary> summaries = new HashMap<>();
        String sql = "SELECT plugin, version, AVG(CAST(rating AS DOUBLE PRECISION)), COUNT(*) FROM catalog_review "
                + "WHERE tenant = ? GROUP BY plugin, version";
        try (Connection connection = store.connection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tenant);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    summaries.put(rows.getString(1) + "@" + rows.getString(2), new Summary(rows.getDouble(3), rows.getInt(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read reviews from the store: " + e.getMessage(), e);
        }
        return summaries;
    }

    List<Review> of(String tenant, String plugin) {
        List<Review> reviews = new ArrayList<>();
        String sql = "SELECT version, rating, review, author, reviewed_at FROM catalog_review WHERE tenant = ? "
                + "AND plugin = ? ORDER BY reviewed_at DESC";
        try (Connection connection = store.connection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, tenant);
            select.setString(2, plugin);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    reviews.add(new Review(tenant, plugin, rows.getString(1), rows.getInt(2), rows.getString(3),
                            rows.getString(4), rows.getTimestamp(5).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read reviews from the store: " + e.getMessage(), e);
        }
        return reviews;
    }

    /** Stores the review, replacing the author's earlier one of the same version. */
    Review save(String tenant, String plugin, String version, int rating, String text, String author)
            throws CatalogException {
        if (rating < 1 || rating > 5) {
            throw new CatalogException("A rating is a whole number from 1 to 5, not " + rating + ".");
        }
        String review = text == null ? "" : text.strip();
        if (review.length() > MAX_TEXT) {
            throw new CatalogException("A review has at most " + MAX_TEXT + " characters; this one has " + review.length() + ".");
        }
        for (int i = 0; i < review.length(); i++) {
            char c = review.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
                throw new CatalogException("A review is text: it holds the control character U+"
                        + String.format("%04X", (int) c) + " at position " + (i + 1) + "; take it out.");
            }
        }
        if (plugin.length() > 200 || version.length() > 100 || author.length() > 200 || tenant.length() > 64) {
            throw new CatalogException("Not stored: a review is kept for plugin names up to 200 characters, versions up "
                    + "to 100 and author names up to 200 (" + plugin + " " + version + " by " + author + ").");
        }
        Instant now = clock.instant();
        try {
            replace(tenant, plugin, version, rating, review, author, now);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw new CatalogException("The review was not stored: " + e.getMessage(), e);
            }
            // the same author's review of the same version stored at the same moment: this one replaces it
            try {
                replace(tenant, plugin, version, rating, review, author, now);
            } catch (SQLException again) {
                throw new CatalogException("The review was not stored: " + again.getMessage(), again);
            }
        }
        return new Review(tenant, plugin, version, rating, review, author, now);
    }

    private void replace(String tenant, String plugin, String version, int rating, String review, String author,
            Instant now) throws SQLException {
        try (Connection connection = store.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM catalog_review WHERE tenant = ? AND plugin = ? AND version = ? AND author = ?");
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO catalog_review (tenant, plugin, "
                            + "version, author, rating, review, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                delete.setString(1, tenant);
                delete.setString(2, plugin);
                delete.setString(3, version);
                delete.setString(4, author);
                delete.executeUpdate();
                insert.setString(1, tenant);
                insert.setString(2, plugin);
                insert.setString(3, version);
                insert.setString(4, author);
                insert.setInt(5, rating);
                insert.setString(6, review);
                insert.setTimestamp(7, Timestamp.from(now));
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
