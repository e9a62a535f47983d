package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.RaftConfig;
import io.ostraka.raft.RaftCore;
import io.ostraka.raft.Ready;
import io.ostraka.raft.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as the storage of a real {@link RaftCore}: a single-voter group bootstraps into a
 * {@link GroupLog}, elects itself, commits proposals by persisting each {@link Ready} through
 * {@link GroupLog#persist} before advancing, and after a restart a new core over the reopened
 * log sees the same committed entries and moves to a higher term.
 */
class RaftCoreOnEngineTest {
    @TempDir
    Path directory;

    private static List<Entry> drive(RaftCore core, GroupLog log) {
        List<Entry> committed = new ArrayList<>();
        while (core.hasReady()) {
            Ready ready = core.ready();
            log.persist(ready).join();
            committed.addAll(ready.committedEntries());
            core.advance(ready);
        }
        return committed;
    }

    @Test
    void aSingleNodeGroupCommitsThroughTheEngineAndSurvivesARestart() throws Exception {
        LogEngineConfig config = TestEngines.small(directory);
        List<String> proposed = new ArrayList<>();
        long term;
        try (LogEngine engine = LogEngine.open(config)) {
            GroupLog log = engine.group(1);
            RaftCore.bootstrap(log, List.of(1L));
            RaftCore core = new RaftCore(RaftConfig.builder(1, 1).build(), log, new Random(1));
            core.campaign();
            drive(core, log);
            assertThat(core.status().role()).isEqualTo(Role.LEADER);
            List<Entry> committed = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                String command = "set k" + k;
                proposed.add(command);
                assertThat(core.propose(command.getBytes(StandardCharsets.UTF_8)).isAccepted()).isTrue();
                committed.addAll(drive(core, log));
            }
            assertThat(commands(committed)).containsSubsequence(proposed);
            term = log.hardState().term();
        }
        try (LogEngine engine = LogEngine.open(config)) {
            GroupLog log = engine.group(1);
            assertThat(commands(log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE))).containsSubsequence(proposed);
            RaftCore core = new RaftCore(RaftConfig.builder(1, 1).build(), log, new Random(2));
            core.campaign();
            drive(core, log);
            assertThat(core.status().role()).isEqualTo(Role.LEADER);
            assertThat(log.hardState().term()).isGreaterThan(term);
        }
    }

    private static List<String> commands(List<Entry> entries) {
        return entries.stream().filter(e -> e.type() == EntryType.NORMAL && e.data().length > 0)
                .map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
    }
}
