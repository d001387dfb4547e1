package org.carehost.shell;

/**
 * Whole-number arguments of shell commands. Gogo reads a number typed at the prompt as a {@code long} and, for a
 * parameter of type {@code int}, keeps its low 32 bits ({@code log:tail 99999999999} asked for 1,215,752,191 lines, and
 * the error named that number). A command therefore takes {@code long} and turns it into an {@code int} here, where a
 * number out of range is refused with the number as typed.
 *
 * @since 1.4
 */
public final class CommandArguments {

    private CommandArguments() {
    }

    /**
     * @param what how the operator knows the argument ("the number of lines", "--limit")
     * @throws IllegalArgumentException naming the range and the number given, when it is outside {@code min..max}
     */
    public static int intIn(String what, long value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", not " + value);
        }
        return (int) value;
    }
}
