package org.carehost.plugins.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * The real exception behind a failed activate. The DS runtime's DTO keeps only the reflective wrapper
 * ({@code InvocationTargetException}); the error it logs for the plugin's bundle carries the cause, so
 * the newest one per bundle is kept here for {@code plugin:why} and the FAILED event.
 */
@Component(service = ActivationFailures.class)
public final class ActivationFailures implements LogListener {

    private final LogReaderService logReader;
    private final Map<Long, String> causes = new ConcurrentHashMap<>();
    private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();

    @Activate
    public ActivationFailures(@Reference LogReaderService logReader) {
        this.logReader = logReader;
        logReader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        logReader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Bundle bundle = entry.getBundle();
        Throwable error = entry.getException();
        if (bundle != null && error != null && entry.getLogLevel() == LogLevel.ERROR) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            causes.put(bundle.getBundleId(), root.toString());
            listeners.forEach(listener -> listener.accept(bundle));
        }
    }

    /** Told of every error logged with an exception for a bundle (SCR logs one when an activate throws). */
    void addListener(Consumer<Bundle> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<Bundle> listener) {
        listeners.remove(listener);
    }

    /** The root cause of the newest error logged for the bundle, or null. */
    String latest(Bundle bundle) {
        return causes.get(bundle.getBundleId());
    }

    void forget(Bundle bundle) {
        causes.remove(bundle.getBundleId());
    }
}
