package io.ostraka.sim;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of the simulator (becomes {@code ostraka sim} once the CLI exists):
 *
 * <pre>
 *   sim --seeds A-B [--nodes N] [--time SECONDS] [--faults on|off]   run a range of seeds
 *   sim --seed S [--replay] [same options]                            run one seed; --replay prints its trace
 * </pre>
 * Exit status 0 when every seed passed, 1 when one failed (its report and replay command are
 * printed), 2 for a usage error.
 */
public final class SimMain {
    private SimMain() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(args, out));
    }

    public static int run(String[] args, PrintStream out) {
        long first = -1;
        long last = -1;
        boolean replay = false;
        Integer nodes = null;
        Long safetyMicros = null;
        Boolean faults = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--seeds" -> {
                        String[] range = value(args, ++i, "--seeds").split("-", 2);
                        first = Long.parseLong(range[0]);
                        last = range.length == 2 ? Long.parseLong(range[1]) : first;
                    }
                    case "--seed" -> first = last = Long.parseLong(value(args, ++i, "--seed"));
                    case "--replay" -> replay = true;
                    case "--nodes" -> {
                        nodes = Integer.parseInt(value(args, ++i, "--nodes"));
                        if (nodes < 1 || nodes > 9) {
                            throw new IllegalArgumentException("--nodes must be between 1 and 9, got " + nodes);
                        }
                    }
                    case "--time" -> safetyMicros = (long) (Double.parseDouble(value(args, ++i, "--time")) * 1_000_000);
                    case "--faults" -> faults = switch (value(args, ++i, "--faults")) {
                        case "on" -> true;
                        case "off" -> false;
                        default -> throw new IllegalArgumentException("--faults takes on or off");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("give --seed S or --seeds A-B with A <= B");
            }
        } catch (IllegalArgumentException e) {
            out.println("sim: " + e.getMessage());
            out.println("usage: sim --seeds A-B | --seed S [--replay] [--nodes N] [--time SECONDS] [--faults on|off]");
            return 2;
        }
        SimConfig.Overrides overrides = new SimConfig.Overrides(nodes, safetyMicros, faults);
        int failed = 0;
        for (long seed = first; seed <= last; seed++) {
            SimResult r = Simulation.run(SimConfig.draw(seed, overrides), replay ? out : null);
            out.println(r.summary());
            if (!r.passed()) {
                failed++;
                break;
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Seeds that failed, for tests. */
    static List<SimResult> runSeeds(long first, long last, SimConfig.Overrides overrides) {
        List<SimResult> failures = new ArrayList<>();
        for (long seed = first; seed <= last; seed++) {
            SimResult r = Simulation.run(SimConfig.draw(seed, overrides), null);
            if (!r.passed()) {
                failures.add(r);
            }
        }
        return failures;
    }
}
