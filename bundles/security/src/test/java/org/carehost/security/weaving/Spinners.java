package org.carehost.security.weaving;

/**
 * Code for {@code PluginClassWeaverTest} to weave and run: loops of each shape, a handler that runs on, recursion, a
 * monitor. Public, in a package of its own, so that the woven copy (another class loader) can be called.
 */
public class Spinners {

    public static volatile long spins;
    public static volatile int caught;

    private final int start;

    public Spinners(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) { // a loop in a constructor, after super()
            sum += i;
        }
        start = sum;
    }

    public int start() {
        return start;
    }

    public static long count(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i;
        }
        return sum;
    }

    /** Spins for good, ignoring interrupts. */
    public static void spin() {
        while (true) {
            spins++;
            Thread.interrupted();
        }
    }

    /** Spins for good, catching whatever is thrown in its inner spin and running on. */
    public static void deaf() {
        while (true) {
            try {
                spin();
            } catch (Throwable anything) {
                caught++;
            }
        }
    }

    /** A loop through a switch's backward branch only (javac puts the loop's jump in the switch). */
    public static int switching(int n) {
        int state = 0;
        int steps = 0;
        while (steps < n) {
            switch (state) {
                case 0:
                    state = 1;
                    break;
                case 1:
                    state = 2;
                    break;
                default:
                    state = 0;
            }
            steps++;
        }
        return steps;
    }

    public static int recurse(int depth) {
        return depth == 0 ? 0 : 1 + recurse(depth - 1);
    }

    /** Spins for good holding the monitor of {@code lock}. */
    public static void spinLocked(Object lock) {
        synchronized (lock) {
            while (true) {
                spins++;
            }
        }
    }

    public static int locked(Object lock) {
        synchronized (lock) {
            return 1;
        }
    }
}
