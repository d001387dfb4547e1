package org.carehost.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.carehost.store.Store;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The store's part of readiness (a health check tagged {@code systemready}): OK while the database answers a query.
 * While it does not (closed by a full disk, unreachable), {@code carehost:status} and {@code /health/ready} say the
 * container is not ready, instead of "ready" while every write failed (tryout 14). A store that does not answer within
 * the health checks' time-out is not ready either.
 */
@Component(service = HealthCheck.class, property = {HealthCheck.NAME + "=Store", HealthCheck.TAGS + "=systemready"})
public final class StoreReadiness implements HealthCheck {

    private final Store store;

    @Activate
    public StoreReadiness(@Reference Store store) {
        this.store = store;
    }

    @Override
    public Result execute() {
        try (Connection connection = store.connection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return new Result(Result.Status.OK, "the store answers");
        } catch (SQLException e) {
            return new Result(Result.Status.CRITICAL, "the store does not answer (" + e.getMessage()
                    + "); the log says why; a full disk or an unreachable database server are the usual causes");
        }
    }
}
