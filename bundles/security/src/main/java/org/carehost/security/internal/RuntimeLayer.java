package org.carehost.security.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * The second layer as the security manager starts and stops it: the checker behind the agent's gate
 * ({@link RuntimeEnforcement}, with {@link Causes}, {@link RuntimeRules} and {@link ContainerPaths}, kept up to date
 * with the folders configurations name by {@link ConfiguredPaths}; in {@link Lockdown} once it stops) and the
 * allocation and CPU budgets ({@link BudgetWatch}), both reporting through the security manager's alerts and
 * {@link Quarantine}. Grants, scopes and budgets are read live from the policy store at each check.
 */
final class RuntimeLayer {

    /** How a refusal is recorded and audited: the security manager's {@code deny}. */
    interface Denier {
        void deny(Bundle plugin, String operation, String permission, String reason);

        /** A refusal no plugin's frame caused ({@link RuntimeReporter#deniedUnidentified}). */
        void denyUnidentified(String operation, String permission, String reason);
    }

    private final RuntimeEnforcement enforcement;
    private final BudgetWatch allocations;
    private final HeapWatch heap;
    private final ConfiguredPaths configuredPaths;
    private final Deputies deputies;
    private final PluginCodeSeen pluginCode;
    private final BundleContext context;

    RuntimeLayer(BundleContext context, SecuritySettings settings, PluginScope scope, GrantsCalculator grants, PolicyStore store,
            Inspector inspector, Quarantine quarantine, PluginCodeSeen pluginCode, Denier denier, Alerts alerts,
            Logger logger) {
        ContainerPaths paths = new ContainerPaths(context, settings);
        this.pluginCode = pluginCode;
        this.context = context;
        this.deputies = new Deputies(scope, paths, pluginCode);
        // a quarantined plugin's tasks on shared workers are interrupted as they start or resume, and not charged
        Causes causes = new Causes(scope, deputies, id -> quarantine.reason(id) != null, pluginCode::mayHaveRun);
        // every quarantine (the thread cap, a deadline, an operator's, a budget) interrupts the plugin's threads and its
        // tasks on shared workers, after it is marked (a task starting after that interrupts itself)
        quarantine.interruptWith(plugin -> {
            // the workers in its charge first, then its threads of the JDK's own class, then those of a class of its
            // own (whose interrupt override may never return, and would hold the rest)
            causes.charges().quarantined(plugin);
            causes.ownThreadsByPlugin().forEach((bundle, own) -> {
                if (bundle.getBundleId() == plugin.getBundleId()) {
                    own.stream().filter(thread -> ChokePoints.isJdk(thread.getClass())).forEach(Thread::interrupt);
                    own.stream().filter(thread -> !ChokePoints.isJdk(thread.getClass())).forEach(Thread::interrupt);
                }
            });
        });
        this.configuredPaths = new ConfiguredPaths(context, paths::configured, logger);
        RuntimeRules rules = new RuntimeRules(grants::grantsOf,
                plugin -> store.policy().scopes(String.valueOf(plugin.getSymbolicName()), plugin.getVersion(),
                        inspector.inspect(plugin).trustedSigner()),
                plugin -> store.policy().budgets().threads(String.valueOf(plugin.getSymbolicName())),
                plugin -> store.policy().budgets().nativeMemoryBytes(String.valueOf(plugin.getSymbolicName())),
                paths, causes, plugin -> quarantine.reason(plugin.getBundleId()));
        // and its code stops wherever it runs, once its own stop has had its chance
        CodeStops codeStops = new CodeStops(logger);
        quarantine.stopCodeWith(codeStops);
        this.enforcement = new RuntimeEnforcement(causes, rules, codeStops, new RuntimeReporter() {
            @Override
            public void denied(Bundle plugin, String permission, String reason) {
                denier.deny(plugin, "runtime", permission, "denied at run time: " + reason);
            }

            @Override
            public void quarantine(Bundle plugin, String reason) {
                quarantine.quarantine(plugin, reason);
            }

            @Override
            public void deniedUnidentified(String reason) {
                denier.denyUnidentified("runtime", RuntimeRules.CONTAINER_RULE, reason);
            }

            @Override
            public void deniedInLockdown(String plugin, String version, String reason) {
                alerts.denied(plugin, version, "runtime", RuntimeRules.CONTAINER_RULE,
                        "denied at run time: " + reason);
            }
        }, logger);
        this.allocations = new BudgetWatch(causes,
                plugin -> store.policy().budgets().allocationBytesPerSecond(String.valueOf(plugin.getSymbolicName())),
                plugin -> store.policy().budgets().cpuPercent(String.valueOf(plugin.getSymbolicName())),
                (plugin, budget, reason) -> {
                    denier.deny(plugin, "runtime", budget, "denied at run time: " + reason);
                    quarantine.quarantine(plugin, reason);
                }, logger);
        this.heap = new HeapWatch(allocations::recentAllocations, allocations::allocatedAtLookSince,
                new HeapWatch.Quarantiner() {
                    @Override
                    public void quarantine(Bundle plugin, String reason) {
                        denier.deny(plugin, "runtime", "heap", "denied at run time: " + reason);
                        quarantine.quarantineProvisionally(plugin, reason);
                    }

                    @Override
                    public void release(Bundle plugin) {
                        quarantine.lifted(plugin.getBundleId());
                    }
                }, logger, () -> quarantine.awaitRecorded(2000), () -> System.exit(HeapWatch.EXIT_STATUS));
    }

    /** Claims the gate and starts the allocation budget; call before any plugin runs. */
    void open() {
        configuredPaths.open();
        pluginCode.look(context, RuntimeEnforcement.gateClaimed()); // before the claim makes the checks live
        enforcement.open();
        allocations.start();
        heap.start();
    }

    /** The {@link org.carehost.security.PluginDeputy} service: a deputy for each container bundle that asks. */
    Deputies deputies() {
        return deputies;
    }

    /** Lockdown: every call a plugin causes is refused from now on. */
    void close() {
        pluginCode.markSeen(); // the resolver hook goes with the security manager: the lockdown walks every call
        enforcement.close();
        allocations.stop();
        heap.stop();
        configuredPaths.close();
    }

    /**
     * Why the run-time layer could not be put in place although the agent runs, or null. While it is not null no plugin
     * is admitted ({@link Admission}): fail closed.
     */
    String failure() {
        return enforcement.failure();
    }

    /** What security:status says of the run-time layer. */
    String state() {
        String failure = enforcement.failure();
        if (failure != null) {
            return "failed: the agent runs but its gate could not be claimed (" + failure + "); no plugin may resolve "
                    + "until it is: restart the container";
        }
        return enforcement.active()
                ? "on: plugins' file, network, process, environment, reflection and JVM calls are checked"
                : "off: the run-time agent is not running (java -jar carehost.jar starts it; elsewhere add "
                        + "-javaagent:carehost-agent.jar)";
    }
}
