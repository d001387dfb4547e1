package org.carehost.operators;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which roles, besides {@code admin} (who may do everything), may do what both the shell and the HTTP API offer: the
 * one definition both take their role sets from (the shell's {@code CommandRoles}, the API's routes, {@code /metrics}),
 * so that a shell command and its endpoint cannot drift apart. Duties only one of them offers are defined there.
 */
public final class OperatorRights {

    /**
     * Install, update and uninstall plugins: {@code plugin:install|update|uninstall}, {@code catalog:install|update};
     * the upload {@code POST /api/v1/plugins}, {@code GET /api/v1/uploads}, and the catalog's plan, install and update
     * over HTTP.
     */
    public static final Set<Role> INSTALL_PLUGINS = Collections.unmodifiableSet(EnumSet.of(Role.OPERATOR));

    /** Start and stop plugins: {@code plugin:start|stop}, {@code POST /api/v1/plugins/{plugin}/start|stop}. */
    public static final Set<Role> RUN_PLUGINS = Collections.unmodifiableSet(EnumSet.of(Role.OPERATOR));

    /**
     * Read the plugins (state, why, permissions) and the catalogs: {@code plugin:list|info|why|names|permissions|top},
     * {@code catalog:list|search|info|outdated}, {@code GET /api/v1/plugins...}, {@code GET /api/v1/catalog/...}.
     */
    public static final Set<Role> READ_PLUGINS = Collections.unmodifiableSet(EnumSet.of(Role.HOSPITAL_ADMIN,
            Role.OPERATOR));

    /** Read {@code /metrics} (Prometheus; plugin calls and denials, the audit journal, the store's pool, the JVM). */
    public static final Set<Role> READ_METRICS = Collections.unmodifiableSet(EnumSet.of(Role.OPERATOR));

    private OperatorRights() {
    }
}
