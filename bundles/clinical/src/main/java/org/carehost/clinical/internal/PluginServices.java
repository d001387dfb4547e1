package org.carehost.clinical.internal;

import java.util.ArrayList;
import java.util.List;

import org.carehost.plugins.PluginCalls;
import org.carehost.plugins.PluginService;

/** The plugins' services of one kind, in the order the host runs them ({@link PluginService#callOrder()}). */
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
        list.sort(PluginService.callOrder());
        return list;
    }
}
