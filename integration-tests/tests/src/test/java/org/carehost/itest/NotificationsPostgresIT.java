package org.carehost.itest;

/** {@link NotificationsIT} on PostgreSQL, when {@code CAREHOST_TEST_POSTGRES_URL} names a database. */
public class NotificationsPostgresIT extends NotificationsIT {

    @Override
    protected String jdbcUrl() {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        return url;
    }
}
