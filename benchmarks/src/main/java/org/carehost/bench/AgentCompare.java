package org.carehost.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ServiceThroughput}'s {@code --agent-compare}: child JVMs with and without the agent, alternating; see that
 * class's comment.
 */
final class AgentCompare {

    private AgentCompare() {
    }

    private static final List<String> KEYS = List.of("get", "getCpu", "getCallers", "reference", "referenceCpu",
            "search", "searchCpu");

    static void run(List<String> args) throws Exception {
        List<String> childArgs = new ArrayList<>();
        String agent = ServiceThroughput.AGENT;
        int pairs = 3;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--agent") && i + 1 < args.size()) {
                agent = args.get(++i);
            } else if (args.get(i).equals("--pairs") && i + 1 < args.size()) {
                pairs = Integer.parseInt(args.get(++i));
            } else {
                childArgs.add(args.get(i));
            }
        }
        Path agentJar = Paths.get(agent).toAbsolutePath().normalize();
        if (!java.nio.file.Files.isRegularFile(agentJar)) {
            System.err.println("agent jar " + agentJar + " not found (--agent PATH; run from the repository root after"
                    + " mvn -q install -DskipTests)");
            System.exit(2);
        }
        String javaExe = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> !arg.startsWith("-javaagent:") && !arg.startsWith("-Dcarehost.agent")).toList();
        System.out.printf("agent on: -javaagent:%s; off: no agent. %d pairs, order alternating; child options %s%n",
                agentJar, pairs, childArgs);
        List<Map<String, Double>> on = new ArrayList<>();
        List<Map<String, Double>> off = new ArrayList<>();
        for (int pair = 1; pair <= pairs; pair++) {
            boolean onFirst = pair % 2 == 1;
            for (boolean withAgent : new boolean[] {onFirst, !onFirst}) {
                List<String> command = new ArrayList<>(List.of(javaExe));
                command.addAll(jvm);
                if (withAgent) {
                    command.add("-javaagent:" + agentJar);
                }
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServiceThroughput.class.getName()));
                command.addAll(childArgs);
                String label = "pair " + pair + "/" + pairs + ", agent " + (withAgent ? "on" : "off");
                Map<String, Double> result = child(command, label, withAgent ? "claimed" : "absent");
                (withAgent ? on : off).add(result);
            }
        }
        System.out.println();
        System.out.printf("JDK %s; %d pairs of child JVMs (agent on / off), order alternating; %s%n", Runtime.version(),
                pairs, childArgs);
        System.out.printf("%-44s %12s %12s %10s %14s%n", "per child: its median over rounds", "agent on", "agent off",
                "on/off", "paired on/off");
        row("PatientService.get (audited), calls/s", "get", on, off);
        row("  time per audited get (1/rate)", "get", on, off, true);
        row("  process CPU us per audited get", "getCpu", on, off);
        row("  callers' rate (before the copy caught up)", "getCallers", on, off);
        row("same read, no audit record, calls/s", "reference", on, off);
        row("  process CPU us per unaudited read", "referenceCpu", on, off);
        row("PatientService.search (page 10), calls/s", "search", on, off);
        row("  process CPU us per search", "searchCpu", on, off);
        System.out.println("medians over the children; on/off: ratio of those medians (for the time per get, the off"
                + " rate over the on rate: above 1 is slower with the agent); paired: median of the ratios in each pair");
    }

    private static Map<String, Double> child(List<String> command, String label, String expectedGate)
            throws Exception {
        Path log = java.nio.file.Files.createTempFile("carehost-bench-child-", ".log");
        System.out.println(label + " (child's standard error: " + log + ")");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Map<String, Double> result = null;
        String gate = null;
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                process.getInputStream(), java.nio.charset.Charset.defaultCharset()))) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println("  | " + line);
                if (line.startsWith(ServiceThroughput.RESULT + " ")) {
                    result = new java.util.HashMap<>();
                    for (String field : line.substring(ServiceThroughput.RESULT.length() + 1).split(" ")) {
                        String[] kv = field.split("=", 2);
                        if (kv[0].equals("gate")) {
                            gate = kv[1];
                        } else {
                            result.put(kv[0], Double.parseDouble(kv[1]));
                        }
                    }
                }
            }
        }
        int status = process.waitFor();
        if (status != 0 || result == null) {
            throw new IllegalStateException(label + ": the child failed (status " + status + "; see " + log + ")");
        }
        if (!expectedGate.equals(gate)) {
            throw new IllegalStateException(label + ": the gate is " + gate + ", expected " + expectedGate
                    + " (see " + log + ")");
        }
        java.nio.file.Files.delete(log);
        return result;
    }

    private static void row(String name, String key, List<Map<String, Double>> on, List<Map<String, Double>> off) {
        row(name, key, on, off, false);
    }

    private static void row(String name, String key, List<Map<String, Double>> on, List<Map<String, Double>> off,
            boolean inverse) {
        double medianOn = Samples.median(on.stream().map(child -> child.get(key)).toList());
        double medianOff = Samples.median(off.stream().map(child -> child.get(key)).toList());
        if (Double.isNaN(medianOn) || Double.isNaN(medianOff)) {
            return; // an operation not measured (--ops)
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(on.size(), off.size()); i++) {
            ratios.add(inverse ? off.get(i).get(key) / on.get(i).get(key) : on.get(i).get(key) / off.get(i).get(key));
        }
        if (inverse) {
            System.out.printf("%-44s %12s %12s %10.3f %14.3f%n", name, "", "", medianOff / medianOn, Samples.median(ratios));
        } else {
            System.out.printf("%-44s %12.1f %12.1f %10.3f %14.3f%n", name, medianOn, medianOff, medianOn / medianOff,
                    Samples.median(ratios));
        }
    }
}
