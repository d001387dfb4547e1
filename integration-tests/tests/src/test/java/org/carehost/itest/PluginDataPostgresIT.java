package org.carehost.itest;

/** {@link PluginDataIT} on PostgreSQL, when {@code CAREHOST_TEST_POSTGRES_URL} names a database. */
public class PluginDataPostgresIT extends PluginDataIT {

    @Override
    protected String jdbcUrl() {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        return url;
    }
}
