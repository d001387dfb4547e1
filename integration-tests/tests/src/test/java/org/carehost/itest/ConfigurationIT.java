package org.carehost.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.carehost.plugins.PluginManager;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** Plugin configuration is checked against the plugin's Metatype schema; an invalid one never reaches it. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationIT {

    private static final String PID = "org.carehost.sample.appointmentreminder.AppointmentReminder";

    @Inject
    BundleContext context;

    @Inject
    PluginManager plugins;

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() throws IOException {
        return new Option[] {ContainerOptions.hostServicesInMemory("config")};
    }

    @Test
    public void anInvalidConfigurationIsRefusedAndTheLastGoodOneStays() throws Exception {
        List<Event> rejected = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, "carehost/config/REJECTED");
        context.registerService(EventHandler.class, rejected::add, topics);
        plugins.install(ContainerOptions.bundleFile("carehost-sample-appointment-reminder").getPath());

        org.osgi.service.cm.Configuration configuration = configAdmin.getConfiguration(PID, "?");
        configuration.update(settings(30, "log"));
        Await.until("the valid configuration is in effect", 10_000, () -> Integer.valueOf(30).equals(leadTime()));

        // What SCR gives the component from now on, as its service shows it (a configuration's values are service
        // properties): the guard replaces the invalid configuration with the last good one on its way, so the
        // component is configured again, and only with that.
        List<String> given = new CopyOnWriteArrayList<>();
        ServiceListener watch = event -> {
            if (event.getType() != ServiceEvent.UNREGISTERING) {
                ServiceReference<?> service = event.getServiceReference();
                given.add(service.getProperty("leadTimeMinutes") + " " + service.getProperty("channel"));
            }
        };
        context.addServiceListener(watch, "(component.name=" + PID + ")");
        try {
            configuration.update(settings(0, "NOT A CHANNEL!"));
            Await.until("the refusal is posted", 10_000, () -> !rejected.isEmpty());
            String reason = String.valueOf(rejected.get(0).getProperty("config.reason"));
            assertTrue(reason, reason.contains("leadTimeMinutes"));
            Await.until("the component is configured after the refusal", 10_000, () -> !given.isEmpty());
        } finally {
            context.removeServiceListener(watch);
        }
        assertEquals("the last good configuration stays; rejections: " + rejected.stream()
                .map(e -> String.valueOf(e.getProperty("config.reason"))).toList(),
                Set.of("30 log"), Set.copyOf(given));
        assertEquals(Integer.valueOf(30), leadTime());
        assertEquals("log", property("channel"));
        assertTrue("the component still works, state " + state(), state() == ComponentConfigurationDTO.ACTIVE
                || state() == ComponentConfigurationDTO.SATISFIED);
    }

    /**
     * redteam-3 #4: a value holding Config Admin's interpolation marker never reaches a plugin (the container's
     * interpolation plugin would resolve {@code $[env:CAREHOST_DATA_KEY]} in it): it is dropped on its way, the refusal
     * posted, and the plugin's other values arrive.
     */
    @Test
    public void aValueThatWouldBeInterpolatedNeverReachesThePlugin() throws Exception {
        List<Event> rejected = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, "carehost/config/REJECTED");
        context.registerService(EventHandler.class, rejected::add, topics);
        if (Fixtures.installed(context, "org.carehost.sample.appointmentreminder").isEmpty()) {
            plugins.install(ContainerOptions.bundleFile("carehost-sample-appointment-reminder").getPath());
        }
        Dictionary<String, Object> values = settings(45, "log");
        values.put("subject", "$[env:CAREHOST_DATA_KEY]");
        values.put("footer", "no secret here");
        configAdmin.getConfiguration(PID, "?").update(values);
        Await.until("the configuration is in effect", 10_000, () -> Integer.valueOf(45).equals(leadTime()));
        Await.until("the drop is posted", 10_000, () -> rejected.stream()
                .anyMatch(e -> String.valueOf(e.getProperty("config.reason")).contains("subject held '$[type:'")));
        assertEquals(null, property("subject"));
        assertEquals("no secret here", property("footer"));
    }

    /**
     * Red team 21: a plugin with no permission named the reminder's configuration PID in a component and a Metatype of
     * its own, and received the reminder's settings (an API key, in theirs) and kept per-tenant settings under that
     * PID. The PID is the reminder's (it starts with its symbolic name): the other plugin's component is given only the
     * PID, the reminder all of it, and plugin settings give the other plugin no per-tenant settings under it.
     */
    @Test
    public void anotherPluginsConfigurationReachesNoneOfItsValues() throws Exception {
        if (Fixtures.installed(context, "org.carehost.sample.appointmentreminder").isEmpty()) {
            plugins.install(ContainerOptions.bundleFile("carehost-sample-appointment-reminder").getPath());
        }
        plugins.install(ContainerOptions.bundleFile("carehost-fixture-evil-takes-configuration").getPath());
        org.osgi.framework.Bundle taker = Fixtures.installed(context, TAKER).orElseThrow();
        Await.until("the other plugin is active", 10_000, () -> taker.getState() == org.osgi.framework.Bundle.ACTIVE);
        Dictionary<String, Object> values = settings(50, "log");
        values.put("footer", "THE-REMINDERS-OWN-FOOTER");
        configAdmin.getConfiguration(PID, "?").update(values);
        Await.until("the reminder has its configuration", 10_000, () -> "THE-REMINDERS-OWN-FOOTER".equals(property("footer")));
        // the other plugin's component is configured too (its service shows the PID it was given), with no value
        Await.until("the other plugin's component was given the configuration", 10_000,
                () -> PID.equals(takerProperty(Constants.SERVICE_PID)));
        assertEquals(null, takerProperty("footer"));
        assertEquals(null, takerProperty("leadTimeMinutes"));

        assertEquals("no per-tenant settings under the reminder's PID for the other plugin", null,
                settingsOf(taker));
        org.osgi.framework.Bundle reminder = Fixtures.installed(context, "org.carehost.sample.appointmentreminder").orElseThrow();
        assertEquals(PID, String.valueOf(settingsOf(reminder)));
    }

    private static final String TAKER = "org.carehost.fixture.evil.takes.configuration";

    private Object takerProperty(String key) {
        ServiceReference<?> reference = context.getServiceReference("org.carehost.fixture.evil.takesconfiguration.Taker");
        return reference == null ? null : reference.getProperty(key);
    }

    /** The PID plugin settings keep the plugin's per-tenant settings under, or null when it keeps none. */
    private String settingsOf(org.osgi.framework.Bundle plugin) {
        ServiceReference<org.carehost.context.PluginSettings> reference =
                context.getServiceReference(org.carehost.context.PluginSettings.class);
        org.carehost.context.PluginSettings settings = context.getService(reference);
        try {
            org.osgi.service.metatype.ObjectClassDefinition schema = settings.schemaOf(plugin);
            return schema == null ? null : settings.configurationPid(schema);
        } finally {
            context.ungetService(reference);
        }
    }

    private static Dictionary<String, Object> settings(int leadTime, String channel) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("leadTimeMinutes", leadTime);
        properties.put("channel", channel);
        return properties;
    }

    private Object leadTime() {
        return property("leadTimeMinutes");
    }

    private Object property(String key) {
        ComponentConfigurationDTO dto = dto();
        return dto == null ? null : dto.properties.get(key);
    }

    private int state() {
        ComponentConfigurationDTO dto = dto();
        return dto == null ? -1 : dto.state;
    }

    private ComponentConfigurationDTO dto() {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (description.name.equals(PID)) {
                return scr.getComponentConfigurationDTOs(description).stream().findFirst().orElse(null);
            }
        }
        return null;
    }
}
