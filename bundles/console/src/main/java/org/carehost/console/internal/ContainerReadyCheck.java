package org.carehost.console.internal;

import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.carehost.plugins.PluginManager;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.MetaTypeService;

/**
 * The container's readiness as a Felix Health Check tagged {@value #TAG}: OK once every container bundle and
 * component is up ({@link Readiness}) and the deploy folder has settled; CRITICAL with one line per missing part
 * otherwise. {@code carehost:status}, script mode and the HTTP health endpoints read this one answer.
 */
@Component(service = HealthCheck.class, property = {
        HealthCheck.NAME + "=Carehost container", HealthCheck.TAGS + "=" + ContainerReadyCheck.TAG })
public final class ContainerReadyCheck implements HealthCheck {

    /** The tag of the checks that together say whether the container is ready (Felix's system-ready convention). */
    public static final String TAG = "systemready";

    private final Readiness readiness;
    private final PluginManager plugins;
    private final MisspeltConfigurationFiles misspelt;

    @Activate
    public ContainerReadyCheck(BundleContext context, @Reference ServiceComponentRuntime components,
            @Reference PluginManager plugins, @Reference MetaTypeService metatype) {
        this.readiness = new Readiness(context, components, false, plugins::held);
        this.plugins = plugins;
        this.misspelt = new MisspeltConfigurationFiles(context, metatype, components);
    }

    /**
     * OK when ready; CRITICAL entries for what is missing; WARN entries (ready, with a problem) for configuration files
     * whose name is a misspelt PID of the container's ({@link MisspeltConfigurationFiles}): they change nothing.
     */
    @Override
    public Result execute() {
        List<String> missing = missing();
        List<String> misspeltFiles = misspelt.all();
        String ready = "ready: container bundles and components active, deploy folder settled";
        if (missing.isEmpty() && misspeltFiles.isEmpty()) {
            return new Result(Result.Status.OK, ready);
        }
        ResultLog log = new ResultLog();
        if (missing.isEmpty()) {
            log.add(new ResultLog.Entry(Result.Status.OK, ready));
        }
        for (String part : missing) {
            log.add(new ResultLog.Entry(Result.Status.CRITICAL, part));
        }
        for (String file : misspeltFiles) {
            log.add(new ResultLog.Entry(Result.Status.WARN, file));
        }
        return new Result(log);
    }

    /** What is not ready, in words; empty when ready. */
    List<String> missing() {
        List<String> missing = new java.util.ArrayList<>(readiness.missing());
        if (!plugins.deployFolderSettled()) {
            missing.add("the deploy folder has not settled (jars still being installed or changing)");
            // a plugin's activation the deploy watcher waits on (named once: the start level's report may have it)
            readiness.holdingTheStart().stream().filter(line -> !missing.contains(line)).forEach(missing::add);
        }
        return missing;
    }
}
