package org.carehost.console.internal;

import java.util.HashSet;
import java.util.Set;

import org.carehost.security.ContainerBundles;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.servlet.runtime.dto.RuntimeDTO;
import org.osgi.service.servlet.runtime.dto.ServletContextDTO;
import org.osgi.service.servlet.runtime.dto.ServletDTO;

/**
 * Whether the HTTP runtime has taken up every servlet the container registers (its admin API, health, metrics): each
 * such servlet service is in the runtime's DTO, served or failed. The runtime binds its port before the whiteboard has
 * processed the servlets, so an address alone is not yet an answer: a request to {@code /health/live} right after the
 * greeting gave 404. Decided from the runtime's own record, not from a request. Loaded only once the HTTP runtime is
 * there (the servlet whiteboard API is an optional import of this bundle).
 */
final class ServletsServed {

    private static final String SERVLETS = "(osgi.http.whiteboard.servlet.name=*)";

    private ServletsServed() {
    }

    static boolean all(BundleContext context, ContainerBundles container) {
        ServiceReference<HttpServiceRuntime> reference = context.getServiceReference(HttpServiceRuntime.class);
        HttpServiceRuntime runtime = reference == null ? null : context.getService(reference);
        if (runtime == null) {
            return false;
        }
        try {
            Set<Long> known = new HashSet<>();
            RuntimeDTO dto = runtime.getRuntimeDTO();
            for (ServletContextDTO servletContext : dto.servletContextDTOs) {
                for (ServletDTO servlet : servletContext.servletDTOs) {
                    known.add(servlet.serviceId);
                }
            }
            for (ServletDTO failed : dto.failedServletDTOs) {
                known.add(failed.serviceId);
            }
            ServiceReference<?>[] servlets = context.getAllServiceReferences("jakarta.servlet.Servlet", SERVLETS);
            for (ServiceReference<?> servlet : servlets == null ? new ServiceReference<?>[0] : servlets) {
                org.osgi.framework.Bundle owner = servlet.getBundle(); // null: unregistered meanwhile
                if (owner != null && container.isContainer(owner)
                        && !known.contains((Long) servlet.getProperty(org.osgi.framework.Constants.SERVICE_ID))) {
                    return false;
                }
            }
            return true;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } finally {
            context.ungetService(reference);
        }
    }
}
