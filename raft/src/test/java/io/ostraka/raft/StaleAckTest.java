package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A follower must never acknowledge entries that are not durable. Found by the simulator (seed
 * 50 with the peer-down faults): a paused follower resumed with two appends queued, the first
 * from the old leader (term 9, up to index 189), the second from a new leader (term 11) that
 * overwrote from index 186. Both were handled before the next Ready, whose persisted entries no
 * longer held 189/9, yet it carried the acknowledgement of 189 to the old leader.
 */
class StaleAckTest {

    @Test
    void anAckForEntriesOverwrittenInTheSameReadyIsNotSent() {
        MemoryLog log = new MemoryLog();
        RaftCore.bootstrap(log, List.of(1L, 2L, 3L));
        RaftCore follower = new RaftCore(RaftConfig.builder(2, 1).build(), log, new SplittableRandom(1));

        // Leader 1 of term 2 appends 2/2 and 3/2.
        follower.step(Message.builder(MessageType.APPEND).groupId(1).from(1).to(2).term(2).logTerm(1).index(1)
                .entries(List.of(new Entry(2, 2, EntryType.NORMAL, new byte[] {1}), new Entry(2, 3, EntryType.NORMAL, new byte[] {2})))
                .commit(1).build());
        // Before that is persisted, leader 3 of term 3 overwrites index 2.
        follower.step(Message.builder(MessageType.APPEND).groupId(1).from(3).to(2).term(3).logTerm(1).index(1)
                .entries(List.of(new Entry(3, 2, EntryType.NORMAL, new byte[] {3})))
                .commit(1).build());

        Ready rd = follower.ready();
        assertThat(rd.entries()).extracting(Entry::index, Entry::term).containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 3L));
        assertThat(rd.messages()).as("no acknowledgement of 3/2, which this Ready does not persist")
                .noneMatch(m -> m.type() == MessageType.APPEND_RESPONSE && !m.reject() && m.index() >= 3);
        assertThat(rd.messages()).anyMatch(m -> m.type() == MessageType.APPEND_RESPONSE && m.to() == 3 && m.index() == 2);
    }
}
