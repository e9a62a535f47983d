package io.ostraka.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code ostraka check-history FILE}: linearizability verdict of a JSON Lines history. */
@Command(name = "check-history", description = "Check a history file for linearizability (exit 0 yes, 1 no, 2 bad input).")
final class CheckHistoryCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        return io.ostraka.sim.check.CheckHistory.run(args.toArray(new String[0]), System.out, System.err);
    }
}
