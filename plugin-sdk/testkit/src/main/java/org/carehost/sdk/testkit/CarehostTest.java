package org.carehost.sdk.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against a {@link Carehost} container with the plugin under test installed.
 * Test methods and constructors may take a {@link Carehost} parameter, or any service interface (e.g.
 * {@code PatientService}), which is looked up in the container. One container per test class.
 *
 * <p>The plugin jar is {@link #plugin()}, else the system property {@code carehost.testkit.plugin}, else the
 * only {@code target/*.jar} that is not a sources or javadoc jar.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(CarehostExtension.class)
public @interface CarehostTest {

    /** Path of the plugin jar under test; empty for the default. */
    String plugin() default "";
}
