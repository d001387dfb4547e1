package org.carehost.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.carehost.security.ContainerBundles;
import org.carehost.settings.defaults.DefaultConfiguration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Checks each configuration, on its way to the bundle it is for, against that bundle's Metatype schema
 * (type, required, cardinality, min/max, options). An invalid configuration is not delivered: the last good
 * one for that PID is delivered instead (or, when there was none, the invalid values are dropped so the
 * component's defaults apply), the reason is logged, and {@code carehost/config/REJECTED} is posted.
 * It runs after the interpolation plugin (lower ranking), so it checks the values the bundle would get; {@link
 * RawValues} runs before it and drops from a plugin's configuration any value that interpolation would resolve.
 * A configuration of the container's own ({@link ContainerConfigurations}) reaches none but the container's bundles,
 * and a plugin's ({@link PluginPidOwners}) none but that plugin; no plugin is told which file a configuration came from.
 */
@Component(property = {
        ConfigurationPlugin.CM_RANKING + ":Integer=900",
        "config.plugin.id=" + ConfigGuard.PLUGIN_ID
})
public final class ConfigGuard implements ConfigurationPlugin {

    static final String PLUGIN_ID = "org.carehost.config.guard";
    static final String REJECTED = "carehost/config/REJECTED";

    /** Keys Config Admin itself sets; never part of a plugin's schema. */
    private static final Set<String> FRAMEWORK_KEYS = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION, FilesGone.FILENAME);
    /**
     * Keys that are no setting, and so never an operator's misspelt one: those, the defaults' mark, and the tenant a
     * plugin's per-tenant configuration is for ({@code PluginSettings.TENANT_PROPERTY}, which the container writes).
     */
    private static final Set<String> NOT_SETTINGS = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION, FilesGone.FILENAME, DefaultConfiguration.MARK,
            "carehost.tenant");

    /**
     * Schemas whose "required" says nothing: Felix HTTP's own provider ({@code ConfigMetaTypeProvider}, jetty12 1.1.8)
     * answers every attribute for {@code REQUIRED} (none for {@code OPTIONAL}), yet Jetty takes its default for each one
     * left out, so its configuration (written by the container from {@code org.carehost.http.listener}) was refused for
     * the dozens it leaves out. The values it gives are still checked (type, range, options).
     */
    static final Set<String> PRESENCE_NOT_REQUIRED = Set.of("org.apache.felix.http");

    private final BundleContext context;
    private final ContainerBundles containerBundles;
    private final MetaTypeService metatype;
    private final EventAdmin events;
    private final Logger log;
    /** The logger whose INFO lines the console shows too ({@code LogAdmin.NOTICES}): a rejection fixed. */
    private final Logger notices;
    private final LastGood lastGood;
    private final PluginPidOwners pidOwners;
    /** The rejection last reported for each PID (and its unknown keys), until it is valid again. */
    private final Map<String, String> reported = new HashMap<>();

    @Activate
    public ConfigGuard(BundleContext context, @Reference MetaTypeService metatype, @Reference EventAdmin events,
            @Reference(service = LoggerFactory.class) Logger log, @Reference LoggerFactory loggers) {
        this(context, new ContainerBundles(context), metatype, events, log,
                loggers.getLogger(org.carehost.logging.LogAdmin.NOTICES));
    }

    ConfigGuard(BundleContext context, ContainerBundles containerBundles, MetaTypeService metatype, EventAdmin events,
            Logger log, Logger notices) {
        this.notices = notices;
        this.context = context;
        this.containerBundles = containerBundles;
        this.metatype = metatype;
        this.events = events;
        this.log = log;
        this.lastGood = new LastGood(context.getDataFile("last-good-configurations.ser"), log);
        this.pidOwners = new PluginPidOwners(context.getDataFile("plugin-configuration-owners.properties"), log);
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Bundle receiver = reference.getBundle();
        try {
            guard(receiver, reference, properties);
        } finally {
            if (receiver == null || !containerBundles.isContainer(receiver)) {
                // where the operator's file is, the container's folder named in it (red team 9, 21): no plugin's business
                properties.remove(FilesGone.FILENAME);
            }
        }
    }

    private void guard(Bundle receiver, ServiceReference<?> reference, Dictionary<String, Object> properties) {
        String pid = (String) properties.get(Constants.SERVICE_PID);
        String factoryPid = (String) properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        String schemaPid = factoryPid != null ? factoryPid : pid;
        if (schemaPid != null && ContainerConfigurations.withheld(receiver, schemaPid,
                context.getBundles(), containerBundles::isContainer, this::declares)) {
            // A container setting on its way to another bundle (a plugin whose component names the PID): it gets none
            // of the values, and the container's own bundle is unaffected. Nor where the file is (red team 9: the .cfg
            // file's absolute path reached the plugin), nor the bundle it is bound to: only which PID it is.
            withhold(properties);
            log.warn("Configuration {} withheld from bundle {} ({}): it is the container's own setting", pid,
                    receiver == null ? "?" : receiver.getBundleId(), receiver == null ? "?" : receiver.getSymbolicName());
            return;
        }
        String owner = schemaPid == null || receiver == null || containerBundles.isContainer(receiver) ? null
                : pidOwners.otherOwner(receiver, schemaPid, context.getBundles(), containerBundles::isContainer);
        if (owner != null) {
            // another plugin's setting (red team 21: a plugin named another's PID in a component and got its API key)
            withhold(properties);
            if (firstReport("withheld " + schemaPid + " from " + receiver.getSymbolicName(), owner)) {
                log.warn("Configuration {} withheld from plugin {}: it is plugin {}'s (a configuration whose PID is a "
                        + "plugin's symbolic name, or starts with it, is that plugin's; any other is the first plugin's it "
                        + "was given to, while that plugin is installed). Name a plugin's PIDs under its own symbolic name",
                        pid, receiver.getSymbolicName(), owner);
            }
            return;
        }
        ObjectClassDefinition schema = schemaFor(reference.getBundle(), factoryPid != null ? factoryPid : pid);
        if (pid == null || schema == null) {
            return;
        }
        reportUnknownKeys(pid, schemaPid, schema, properties);
        List<String> problems = ConfigProblems.check(schema, schemaPid, properties);
        if (problems.isEmpty()) {
            lastGood.put(pid, copy(properties));
            String wasRejected;
            synchronized (reported) {
                wasRejected = reported.remove(pid);
            }
            if (wasRejected != null) {
                // the operator fixed it: said where the rejection was (the console), or its ERROR stays the last word
                notices.info("Configuration {}{} is valid again: its values apply", pid, where(properties));
            }
            return;
        }
        Map<String, Object> good = lastGood.get(pid);
        String outcome;
        if (good != null) {
            for (String key : Collections.list(properties.keys())) {
                if (!FRAMEWORK_KEYS.contains(key)) {
                    properties.remove(key);
                }
            }
            good.forEach(properties::put);
            outcome = "The last good configuration stays in effect";
        } else {
            for (AttributeDefinition attribute : ConfigProblems.attributes(schema)) {
                if (!ConfigProblems.problemsOf(attribute, properties.get(attribute.getID())).isEmpty()) {
                    properties.remove(attribute.getID());
                }
            }
            outcome = "There was no earlier good one, so the invalid values are left out and their defaults apply";
        }
        String reason = String.join("; ", problems);
        if (firstReport(pid, reason + outcome)) {
            // the file first: the console shows one line, cut at its width
            log.error("Configuration {}{} rejected: {}. {}", pid, where(properties), reason, outcome);
            post(events, pid, reason, reference.getBundle());
        }
    }

    /** " (the file's path)" of a configuration from a file, else nothing. */
    private static String where(Dictionary<String, Object> properties) {
        Object file = properties.get(FilesGone.FILENAME);
        // the deploy watcher's own property: the whole path (printable would shorten it)
        return file == null ? "" : " (" + String.valueOf(file).replaceFirst("^file:", "")
                .replaceAll("\\p{Cntrl}", "?") + ")";
    }

    /** A misspelt setting is named once (until the file changes what is unknown), as a WARN: the rest applies. */
    private void reportUnknownKeys(String pid, String schemaPid, ObjectClassDefinition schema,
            Dictionary<String, Object> properties) {
        if (PRESENCE_NOT_REQUIRED.contains(schemaPid)) {
            return; // written by the container from its own settings, with keys Felix HTTP's schema leaves out
        }
        List<String> unknown = UnknownKeys.of(schema, properties, NOT_SETTINGS);
        String key = "unknown keys of " + pid;
        if (unknown.isEmpty()) {
            synchronized (reported) {
                reported.remove(key);
            }
        } else if (firstReport(key, String.join(",", unknown))) {
            log.warn(UnknownKeys.sentence(pid, unknown, schema, properties.get(FilesGone.FILENAME)));
        }
    }

    /**
     * Whether this rejection is news: Config Admin asks once per receiver of the PID, and SCR asks once per component
     * that reads it (two components of the SSH bundle read org.carehost.ssh, and the same ERROR line was seen twice),
     * with nothing telling one delivery of the same update from another. So a rejection is reported once until the
     * PID is valid again or its problem changes (saving the same bad value again is not reported again).
     */
    private boolean firstReport(String pid, String rejection) {
        synchronized (reported) {
            return !rejection.equals(reported.put(pid, rejection));
        }
    }

    /** A refused configuration (or values of one), logged and posted as {@link #REJECTED}. */
    static void rejected(EventAdmin events, Logger log, String pid, String reason, String outcome, Bundle receiver) {
        log.error("Configuration {} rejected: {}. {}", pid, reason, outcome);
        post(events, pid, reason, receiver);
    }

    /** Leaves only which PID it is: none of the values, nor the file or the bundle it is bound to. */
    private static void withhold(Dictionary<String, Object> properties) {
        for (String key : Collections.list(properties.keys())) {
            if (!key.equals(Constants.SERVICE_PID) && !key.equals(ConfigurationAdmin.SERVICE_FACTORYPID)) {
                properties.remove(key);
            }
        }
    }

    private static void post(EventAdmin events, String pid, String reason, Bundle receiver) {
        Map<String, Object> event = new HashMap<>();
        event.put("config.pid", pid);
        event.put("config.reason", reason);
        event.put("bundle.symbolicName", String.valueOf(receiver == null ? null : receiver.getSymbolicName()));
        events.postEvent(new Event(REJECTED, event));
    }

    /**
     * The schema of {@code pid}: from the receiving bundle, else from whichever bundle declares it (Declarative
     * Services receives configurations on behalf of its components' bundles).
     */
    private ObjectClassDefinition schemaFor(Bundle receiver, String pid) {
        if (pid == null) {
            return null;
        }
        ObjectClassDefinition schema = receiver == null ? null : schemaIn(receiver, pid);
        for (Bundle bundle : context.getBundles()) {
            if (schema != null) {
                break;
            }
            schema = schemaIn(bundle, pid);
        }
        return schema;
    }

    private boolean declares(Bundle bundle, String pid) {
        return schemaIn(bundle, pid) != null;
    }

    private ObjectClassDefinition schemaIn(Bundle bundle, String pid) {
        MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
        if (information == null) {
            return null;
        }
        List<String> known = new ArrayList<>();
        Collections.addAll(known, information.getPids());
        Collections.addAll(known, information.getFactoryPids());
        return known.contains(pid) ? information.getObjectClassDefinition(pid, null) : null;
    }

    private static Map<String, Object> copy(Dictionary<String, Object> properties) {
        Map<String, Object> copy = new Hashtable<>();
        for (String key : Collections.list(properties.keys())) {
            if (!FRAMEWORK_KEYS.contains(key)) {
                copy.put(key, properties.get(key));
            }
        }
        return copy;
    }
}
