package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;
import org.osgi.framework.Constants;

/** The order in which the host runs the plugins' services of one kind: service ranking (highest first), then id. */
final class PluginServices {

    private PluginServices() {
    }

    /**
     * The services of {@code type} plugins offer now, and those of plugins being updated (a call to one waits for the
     * new version), in the order they run.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <S> List<PluginService<S>> ordered(PluginCalls calls, Class<?> type) {
        List<PluginService<S>> list = new ArrayList<>((List) calls.services(type));
        list.sort(Comparator.<PluginService<S>>comparingInt(PluginServices::ranking).reversed()
                .thenComparingLong(PluginService::serviceId));
        return list;
    }

    private static int ranking(PluginService<?> service) {
        return service.property(Constants.SERVICE_RANKING) instanceof Integer ranking ? ranking : 0;
    }
}
