package org.carehost.itest;

/**
 * The host-service tests on PostgreSQL. Runs when {@code CAREHOST_TEST_POSTGRES_URL} names a database
 * (.ci/run starts one on loopback and sets it); the build includes this class only then.
 */
public class HostServicesPostgresIT extends HostServicesIT {

    @Override
    protected String jdbcUrl() {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        return url;
    }
}
