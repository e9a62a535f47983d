package io.ostraka.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code ostraka sim}: the deterministic cluster simulator (see docs/verification.md). */
@Command(name = "sim", description = "Run the deterministic simulator: --seeds A-B | --seed S [--replay] [--nodes N] [--time S] [--faults on|off]")
final class SimCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        return io.ostraka.sim.SimMain.run(args.toArray(new String[0]),
                new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, java.nio.charset.StandardCharsets.UTF_8));
    }
}
