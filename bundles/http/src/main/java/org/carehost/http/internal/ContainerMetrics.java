package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.carehost.audit.AuditLog;
import org.carehost.audit.AuditStats;
import org.carehost.plugins.PluginCallStats;
import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginInfo;
import org.carehost.plugins.PluginManager;
import org.carehost.security.SecurityAdmin;
import org.carehost.store.PoolUse;
import org.carehost.store.Store;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The container's own series, read at each scrape from the services that keep them (nothing is counted twice): per
 * plugin the host's calls, failures, timeouts and call latency ({@link PluginCalls}) and the security manager's
 * denials ({@link SecurityAdmin}); the audit trail's appends, failures, journal lag and write latency
 * ({@link AuditLog#stats()}); the store's connection pool ({@link Store#poolUse()}).
 */
final class ContainerMetrics implements MultiCollector {

    private final PluginCalls calls;
    private final PluginManager plugins;
    private final SecurityAdmin security;
    private final AuditLog audit;
    private final Store store;
    private final BundleContext context;

    ContainerMetrics(PluginCalls calls, PluginManager plugins, SecurityAdmin security, AuditLog audit, Store store,
            BundleContext context) {
        this.calls = calls;
        this.plugins = plugins;
        this.security = security;
        this.audit = audit;
        this.store = store;
        this.context = context;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        List<PluginCallStats> stats = calls.stats();
        out.add(counter("carehost_plugin_calls", "Calls the host made into each plugin", stats, PluginCallStats::calls));
        out.add(counter("carehost_plugin_call_failures", "Calls into each plugin that threw, overran their deadline "
                + "or were refused", stats, PluginCallStats::failures));
        out.add(counter("carehost_plugin_call_timeouts", "Calls into each plugin that overran their deadline", stats,
                PluginCallStats::timeouts));
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("carehost_plugin_call_duration_seconds")
                .help("Latency of the host's calls into each plugin, as the caller saw it");
        for (PluginCallStats plugin : stats) {
            latency.dataPoint(histogram(labels(plugin.symbolicName(), plugin.bundleId()),
                    PluginCallStats.LATENCY_BOUNDS_SECONDS, plugin.latencyCounts(), plugin.latencyNanos()));
        }
        out.add(latency.build());
        out.add(denials());
        AuditStats trail = audit.stats();
        out.add(CounterSnapshot.builder().name("carehost_audit_appended").help("Audit records made durable")
                .dataPoint(CounterDataPointSnapshot.builder().value(trail.appended()).build()).build());
        out.add(CounterSnapshot.builder().name("carehost_audit_append_failures").help("Audit appends that failed (the "
                + "callers' calls failed)").dataPoint(CounterDataPointSnapshot.builder().value(trail.failed()).build())
                .build());
        out.add(gauge("carehost_audit_journal_lag_records", "Audit records acknowledged (in the journal) that the "
                + "database does not show yet; 0 on PostgreSQL", trail.journalLag()));
        out.add(HistogramSnapshot.builder().name("carehost_audit_write_duration_seconds")
                .help("Latency of audit appends, from the call until the record was durable")
                .dataPoint(histogram(Labels.EMPTY, AuditStats.LATENCY_BOUNDS_SECONDS, trail.writeLatencyCounts(),
                        trail.writeNanos()))
                .build());
        PoolUse pool = store.poolUse();
        out.add(gauge("carehost_store_pool_active_connections", "Store connections lent out", pool.active()));
        out.add(gauge("carehost_store_pool_idle_connections", "Store connections open and idle", pool.idle()));
        out.add(gauge("carehost_store_pool_max_connections", "The most connections the store's pool opens",
                pool.max()));
        out.add(gauge("carehost_store_pool_waiting_threads", "Callers waiting for a store connection", pool.waiting()));
        return new MetricSnapshots(out);
    }

    /** Per plugin installed now: the permission checks the security manager refused since it started. */
    private MetricSnapshot denials() {
        CounterSnapshot.Builder denied = CounterSnapshot.builder().name("carehost_plugin_denials")
                .help("Calls of each plugin the security manager refused for a missing permission");
        for (PluginInfo plugin : plugins.list()) {
            Bundle bundle = context.getBundle(plugin.id());
            if (bundle == null || plugin.symbolicName() == null) {
                continue;
            }
            Map<String, Long> byPermission = security.report(bundle).denied();
            long total = byPermission.values().stream().mapToLong(Long::longValue).sum();
            denied.dataPoint(CounterDataPointSnapshot.builder().labels(labels(plugin.symbolicName(), plugin.id()))
                    .value(total).build());
        }
        return denied.build();
    }

    private static CounterSnapshot counter(String name, String help, List<PluginCallStats> stats,
            ToDoubleFunction<PluginCallStats> value) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        for (PluginCallStats plugin : stats) {
            counter.dataPoint(CounterDataPointSnapshot.builder().labels(labels(plugin.symbolicName(), plugin.bundleId()))
                    .value(value.applyAsDouble(plugin)).build());
        }
        return counter.build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** A classic histogram from non-cumulative counts per bound (and one past the last bound). */
    private static HistogramDataPointSnapshot histogram(Labels labels, List<Double> bounds, List<Long> counts,
            long sumNanos) {
        List<Double> upper = new ArrayList<>(bounds);
        upper.add(Double.POSITIVE_INFINITY);
        return HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, counts)).sum(sumNanos / 1e9).build();
    }

    /** A plugin's labels: its symbolic name, and its bundle id (two versions of a plugin may be installed at once). */
    private static Labels labels(String symbolicName, long bundleId) {
        return Labels.of("plugin", String.valueOf(symbolicName), "bundle", String.valueOf(bundleId));
    }
}
