package io.ostraka.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator as CI runs it: a bounded range of seeds, each drawing its own cluster size,
 * timings, fault mix and feature switches, must pass the safety checks after every event, the
 * liveness phase and the linearizability check; and a seed must replay identically.
 * Longer sweeps: {@code SimMain --seeds 1-5000} (see docs/verification.md).
 */
class SimulationTest {
    /** Seeds run by {@code ./mvnw verify}; about 0.2 s each on the CI machine. */
    static final int CI_SEEDS = Integer.getInteger("ostraka.sim.seeds", 500);

    @Test
    void everySeedInTheCiRangePasses() {
        List<SimResult> failures = SimMain.runSeeds(1, CI_SEEDS, SimConfig.Overrides.NONE);
        assertThat(failures).as(() -> failures.isEmpty() ? "" : failures.get(0).summary()).isEmpty();
    }

    @Test
    void aSeedReplaysToTheSameTraceDigest() {
        for (long seed : new long[] {3, 7, 42}) {
            SimConfig config = SimConfig.draw(seed, SimConfig.Overrides.NONE);
            SimResult first = Simulation.run(config, null);
            SimResult second = Simulation.run(config, null);
            assertThat(second.traceDigest()).as("seed %d", seed).isEqualTo(first.traceDigest());
            assertThat(second.events()).isEqualTo(first.events());
            assertThat(second.operations()).isEqualTo(first.operations());
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        SimResult a = Simulation.run(SimConfig.draw(1, SimConfig.Overrides.NONE), null);
        SimResult b = Simulation.run(SimConfig.draw(2, SimConfig.Overrides.NONE), null);
        assertThat(a.traceDigest()).isNotEqualTo(b.traceDigest());
    }

    @Test
    void aFaultFreeRunCommitsAndAnswersEveryClient() {
        SimResult r = Simulation.run(SimConfig.draw(5, new SimConfig.Overrides(3, 3_000_000L, false)), null);
        assertThat(r.passed()).as(r.summary()).isTrue();
        assertThat(r.operations()).isGreaterThan(100);
        assertThat(r.committedEntries()).isGreaterThan(50);
    }

    @Test
    void replayPrintsTheTraceAndTheCommandLineValidatesItsArguments() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertThat(SimMain.run(new String[] {"--seed", "4", "--replay", "--time", "1"}, out)).isZero();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("tick 1").contains("seed 4 ok");

        bytes.reset();
        assertThat(SimMain.run(new String[] {"--seeds", "5-3"}, out)).isEqualTo(2);
        assertThat(SimMain.run(new String[] {"--nodes", "0", "--seed", "1"}, out)).isEqualTo(2);
        assertThat(SimMain.run(new String[] {"--bogus"}, out)).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus").contains("usage:");
    }

    @Test
    void aFailureReportNamesTheSeedThePropertyAndTheReplayCommand() {
        SimResult failed = new SimResult(SimConfig.draw(77, SimConfig.Overrides.NONE), false, "election safety",
                "nodes 1 and 2 both lead term 3", "0 tick 1", 0, 1, 0, 0, 0);
        assertThat(failed.summary()).contains("seed 77 FAILED election safety").contains("both lead term 3")
                .contains("./ostraka sim --seed 77 --replay");
    }
}
