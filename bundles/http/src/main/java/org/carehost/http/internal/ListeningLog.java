package org.carehost.http.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.HttpServiceRuntimeConstants;

/**
 * One log line when the HTTP listeners are bound (and a warning for each plain-HTTP one other machines reach), with the addresses Felix HTTP really bound (its runtime's
 * {@value HttpServiceRuntimeConstants#HTTP_SERVICE_ENDPOINT}), as the SSH shell logs its own. Jetty starts on Config Admin's
 * thread, off the container's start ({@code org.apache.felix.http.require.config} in runtime.bndrun), so it may be
 * bound a little after the container is ready: this line, and the interactive banner, say where once it is.
 */
@Component(immediate = true, service = {})
public final class ListeningLog {

    private final Logger log;

    @Activate
    public ListeningLog(@Reference(service = LoggerFactory.class) Logger log) {
        this.log = log;
    }

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void bound(Map<String, Object> properties) {
        List<String> endpoints = endpoints(properties.get(HttpServiceRuntimeConstants.HTTP_SERVICE_ENDPOINT));
        if (!endpoints.isEmpty()) {
            log.info("HTTP listening on {} (API: {}api/v1, console: {}console/)", String.join(", ", endpoints),
                    endpoints.get(0), endpoints.get(0));
            for (String plain : plainBeyondLoopback(endpoints)) {
                log.warn("Plain HTTP listens on {}, which other machines reach: what crosses it is readable on the "
                        + "network. Turn it off with httpEnabled=false in etc/org.carehost.http.listener.cfg once HTTPS "
                        + "is on (while HTTPS is on, credentials over plain HTTP from another machine are refused)",
                        plain);
            }
        }
    }

    /** The plain-HTTP endpoints whose address is not loopback (0.0.0.0, a network interface's). */
    static List<String> plainBeyondLoopback(List<String> endpoints) {
        List<String> out = new ArrayList<>();
        for (String endpoint : endpoints) {
            if (endpoint.startsWith("http://")) {
                String authority = endpoint.substring("http://".length()).split("/", 2)[0];
                int port = authority.lastIndexOf(':');
                String host = port > 0 && authority.indexOf(']') < port ? authority.substring(0, port) : authority;
                if (!TransportFilter.loopback(host)) {
                    out.add(endpoint);
                }
            }
        }
        return out;
    }

    void unbound(Map<String, Object> properties) {
        // Felix HTTP stopping its listeners (a configuration change restarts them: the new addresses are logged then).
        // No updated method: the runtime's properties change at each servlet registered (its change count).
    }

    /** The endpoints as Felix HTTP gives them (a string, an array or a collection), each ending in a slash. */
    static List<String> endpoints(Object value) {
        List<String> all = new ArrayList<>();
        Object[] many = value instanceof Object[] array ? array
                : value instanceof Collection<?> list ? list.toArray() : value == null ? new Object[0] : new Object[] {value};
        for (Object endpoint : many) {
            String text = String.valueOf(endpoint);
            all.add(text.endsWith("/") ? text : text + "/");
        }
        return all;
    }
}
