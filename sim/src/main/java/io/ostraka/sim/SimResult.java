package io.ostraka.sim;

/**
 * The outcome of one seed: passed, or the property that failed with enough context to act on —
 * the configuration, the last events, and the command that replays the run.
 */
public record SimResult(
        SimConfig config,
        boolean passed,
        String property,
        String detail,
        String lastEvents,
        long traceDigest,
        long events,
        long operations,
        long committedEntries,
        long simulatedMicros) {

    public String replayCommand() {
        return "./ostraka sim --seed " + config.seed() + " --replay";
    }

    public String summary() {
        if (passed) {
            return String.format(java.util.Locale.ROOT, "seed %d ok: %d events, %d client operations, %d entries committed, %.1f s simulated [%s]",
                    config.seed(), events, operations, committedEntries, simulatedMicros / 1e6, config);
        }
        return "seed " + config.seed() + " FAILED " + property + "\n  " + detail
                + "\n  configuration: " + config
                + "\n  last events:\n    " + lastEvents.replace("\n", "\n    ")
                + "\n  replay: " + replayCommand();
    }
}
