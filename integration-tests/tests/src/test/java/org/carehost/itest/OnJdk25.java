package org.carehost.itest;

/**
 * JUnit category of tests that only the JDK 25 failsafe execution runs (its JVM is JDK 25, from the toolchain):
 * the default execution excludes the category, also when a test is named with -Dit.test.
 */
public interface OnJdk25 {
}
