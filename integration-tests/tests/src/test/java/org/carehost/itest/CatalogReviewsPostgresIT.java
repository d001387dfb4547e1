package org.carehost.itest;

/**
 * The catalog's reviews (migration V9, {@code catalog_review}) on PostgreSQL. Runs when
 * {@code CAREHOST_TEST_POSTGRES_URL} names a database (.ci/run starts one on loopback and sets it); the build includes
 * this class only then.
 */
public class CatalogReviewsPostgresIT extends CatalogReviewsIT {

    @Override
    protected String jdbcUrl() {
        String url = System.getenv("CAREHOST_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("CAREHOST_TEST_POSTGRES_URL is not set");
        }
        return url;
    }
}
