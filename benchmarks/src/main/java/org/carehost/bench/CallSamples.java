package org.carehost.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@link WasmRoundTrip}'s CPU figures ({@code -Dbench.cpuSamples=true}): the container runs with JFR sampling Java
 * threads every millisecond, and afterwards the samples taken in the measured rounds are counted under the Java
 * plugin's loop and under the WebAssembly call. Both do the same number of reads, so the ratio of the counts is the
 * ratio of CPU time per read. A thread waiting for a core is not sampled, so on a shared, loaded machine this ratio
 * is steadier than the ratio of the rounds' wall times (it still includes what the load does to caches). The samples
 * of the WebAssembly call are split into the guarded read ({@code PatientServiceImpl.get}, the same service call the
 * Java plugin makes), the FHIR JSON written for the module, and Extism's allocation and copy of the answer into its
 * memory; the rest is the module's own code and the host-call path.
 */
final class CallSamples {

    static final String JVM_OPTION = "-XX:StartFlightRecording=filename=%s,settings=profile,jdk.ExecutionSample#period=1ms";

    private static final String JAVA = "org.carehost.fixture.roundtrip.RoundTripCommand.java";
    private static final String WASM = "org.carehost.wasm.internal.WasmPlugin.callOnInstance";
    private static final String[] PARTS = {"org.carehost.clinical.internal.PatientServiceImpl.get",
        "org.carehost.sdk.fhir.FhirJson.writeBytes", "org.extism.sdk.chicory.HostEnv$Memory.writeBytes"};
    private static final String[] PART_NAMES = {"guarded read (PatientServiceImpl.get)", "FHIR JSON (FhirJson.writeBytes)",
        "Extism alloc + copy (HostEnv.Memory.writeBytes)"};

    private CallSamples() {
    }

    /** Prints the counts of the samples taken from {@code fromMillis} to {@code toMillis} (epoch milliseconds). */
    static void print(Path recording, long fromMillis, long toMillis) throws IOException {
        int java = 0;
        int wasm = 0;
        int[] parts = new int[PARTS.length];
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!"jdk.ExecutionSample".equals(event.getEventType().getName()) || event.getStackTrace() == null) {
                    continue;
                }
                long at = event.getStartTime().toEpochMilli();
                if (at < fromMillis || at > toMillis) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                boolean inJava = false;
                boolean inWasm = false;
                boolean[] inPart = new boolean[PARTS.length];
                for (RecordedFrame frame : frames) {
                    String method = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
                    inJava |= method.equals(JAVA);
                    inWasm |= method.equals(WASM);
                    for (int i = 0; i < PARTS.length; i++) {
                        inPart[i] |= method.equals(PARTS[i]);
                    }
                }
                if (inJava) {
                    java++;
                } else if (inWasm) {
                    wasm++;
                    for (int i = 0; i < PARTS.length; i++) {
                        parts[i] += inPart[i] ? 1 : 0;
                    }
                }
            }
        }
        if (java == 0 || wasm == 0) {
            System.out.printf(Locale.ROOT, "  CPU samples: Java %d, WebAssembly %d: too few to compare (was the recording "
                    + "written? see the container's stderr.log)%n", java, wasm);
            return;
        }
        System.out.printf(Locale.ROOT, "  CPU samples (1 ms) in the measured rounds: Java plugin %d, WebAssembly plugin %d: "
                + "ratio %.2f%n", java, wasm, wasm / (double) java);
        int rest = wasm;
        for (int i = 0; i < PARTS.length; i++) {
            System.out.printf(Locale.ROOT, "    of the WebAssembly call: %s %d (%.0f %%; %.2f of the Java plugin's call)%n",
                    PART_NAMES[i], parts[i], 100.0 * parts[i] / wasm, parts[i] / (double) java);
        }
        for (int i = 0; i < PARTS.length; i++) {
            rest -= parts[i];
        }
        System.out.printf(Locale.ROOT, "    the rest (the module, the host-call path, Extism's other kernel calls) %d (%.0f %%;"
                + " %.2f of the Java plugin's call)%n", rest, 100.0 * rest / wasm, rest / (double) java);
    }
}
