package org.carehost.sdk.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The JUnit 5 side of {@link CarehostTest}: one container per test class, closed after it. */
public final class CarehostExtension implements ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(CarehostExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == Carehost.class || type.isInterface();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Carehost carehost = container(extension);
        Class<?> type = parameter.getParameter().getType();
        return type == Carehost.class ? carehost : carehost.service(type);
    }

    private static Carehost container(ExtensionContext extension) {
        ExtensionContext classContext = classContext(extension);
        Running running = classContext.getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, key -> {
            try {
                return new Running(Carehost.start(pluginJar(classContext), Map.of()));
            } catch (Exception e) {
                throw new ParameterResolutionException("Could not start the Carehost test container: " + e.getMessage(), e);
            }
        }, Running.class);
        return running.carehost;
    }

    private static ExtensionContext classContext(ExtensionContext extension) {
        ExtensionContext context = extension;
        while (context.getTestMethod().isPresent() && context.getParent().isPresent()) {
            context = context.getParent().get();
        }
        return context;
    }

    static Path pluginJar(ExtensionContext extension) throws IOException {
        CarehostTest annotation = extension.getRequiredTestClass().getAnnotation(CarehostTest.class);
        if (annotation != null && !annotation.plugin().isBlank()) {
            return Paths.get(annotation.plugin());
        }
        String property = System.getProperty("carehost.testkit.plugin");
        if (property != null && !property.isBlank()) {
            return Paths.get(property);
        }
        Path target = Paths.get("target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> jars = files.filter(f -> f.toString().endsWith(".jar"))
                    .filter(f -> !f.toString().endsWith("-sources.jar") && !f.toString().endsWith("-javadoc.jar"))
                    .collect(Collectors.toList());
            if (jars.size() != 1) {
                throw new IOException("Expected one plugin jar in " + target.toAbsolutePath() + ", found " + jars
                        + "; set @CarehostTest(plugin = ...) or -Dcarehost.testkit.plugin");
            }
            return jars.get(0);
        }
    }

    /** Closes the container when the test class is done (JUnit closes stored resources). */
    private record Running(Carehost carehost) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            carehost.close();
        }
    }
}
