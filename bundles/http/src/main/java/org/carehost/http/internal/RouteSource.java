package org.carehost.http.internal;

import java.util.List;

/**
 * Routes another component of this bundle adds to {@code /api/v1} while the service it serves is there (the catalog's
 * while the catalog runs): the API servlet takes them in and out of its route table, and its OpenAPI document, as they
 * come and go, so that the API never waits for, or fails with, an optional part of the container.
 */
interface RouteSource {

    List<Route> routes();
}
