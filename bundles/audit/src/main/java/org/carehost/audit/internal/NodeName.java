package org.carehost.audit.internal;

import java.net.InetAddress;

import org.carehost.settings.Setting;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * This node's name, which every audit record carries ({@code etc/org.carehost.node.cfg}, {@code name=}): the
 * configured name, else the framework property {@code carehost.node}, else the host name.
 */
@Component(service = NodeName.class, configurationPid = NodeName.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = NodeName.Configuration.class)
public final class NodeName {

    static final String PID = "org.carehost.node";

    @ObjectClassDefinition(id = PID, name = "Carehost node",
            description = "This node's identity, written into every audit record (nodes may share one PostgreSQL).")
    @interface Configuration {

        @AttributeDefinition(required = false, description = "The node's name. Empty: the framework property "
                + "carehost.node, else the host name.")
        String name() default "";
    }

    private final String name;
    private final Logger log;

    @Activate
    public NodeName(Configuration configuration, BundleContext context,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.name = resolve(configuration.name(), context.getProperty("carehost.node"));
        this.log = log;
    }

    /**
     * A new name: in force at the next start. The audit trail reads it once; restarting it for a new name would end
     * every operator's session, and one run's records would carry two names.
     */
    @Modified
    void modified(Configuration configuration, BundleContext context) {
        String wanted = resolve(configuration.name(), context.getProperty("carehost.node"));
        if (!wanted.equals(name)) {
            log.warn("{} changed: this node is named {} from the next start of the container; until then its audit "
                    + "records carry {}", PID, wanted, name);
        }
    }

    String get() {
        return name;
    }

    static String resolve(String configured, String property) {
        return Setting.of(configured, property, NodeName::hostName);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception unknown) {
            return "unknown";
        }
    }
}
