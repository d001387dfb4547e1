package org.carehost.console.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Says once, as a WARN on the console, that a configuration file's name is a misspelt PID of the container's
 * ({@link MisspeltConfigurationFiles}): when its configuration is made or changed, and for those already there when
 * this starts. {@code carehost:status} lists them for as long as they stay ({@link ContainerReadyCheck}).
 */
@Component
public final class ConfigurationFileNames implements ConfigurationListener {

    private final MisspeltConfigurationFiles misspelt;
    private final Logger log;
    private final Set<String> said = new HashSet<>();

    @Activate
    public ConfigurationFileNames(BundleContext context, @Reference MetaTypeService metatype,
            @Reference ServiceComponentRuntime components, @Reference(service = LoggerFactory.class) Logger log) {
        this.misspelt = new MisspeltConfigurationFiles(context, metatype, components);
        this.log = log;
        say(misspelt.all());
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            say(misspelt.of(event.getPid()));
        }
    }

    private void say(List<String> sentences) {
        for (String sentence : sentences) {
            boolean first;
            synchronized (said) {
                first = said.add(sentence);
            }
            if (first) {
                log.warn("{}", sentence);
            }
        }
    }
}
