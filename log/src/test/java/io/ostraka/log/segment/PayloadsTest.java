package io.ostraka.log.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.HardState;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Payload encodings round-trip: entry blocks, hard state, snapshot metadata, compaction, checkpoints. */
class PayloadsTest {
    @Property(tries = 100)
    void entryBlocksRoundTrip(@ForAll @LongRange(min = 1, max = 1L << 40) long first,
                              @ForAll @Size(min = 1, max = 20) List<@Size(max = 100) byte[]> datas,
                              @ForAll @IntRange(min = 0, max = 1000) int term) {
        List<Entry> entries = new ArrayList<>();
        for (int k = 0; k < datas.size(); k++) {
            entries.add(new Entry(term, first + k, k % 3 == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL, datas.get(k)));
        }
        byte[] block = Payloads.entries(entries);
        assertThat(block).hasSize(Payloads.entriesBytes(entries));
        assertThat(Payloads.readEntries(ByteBuffer.wrap(block))).containsExactlyElementsOf(entries);
        List<Long> terms = new ArrayList<>();
        assertThat(Payloads.scanTerms(ByteBuffer.wrap(block), (index, t) -> terms.add(t))).isEqualTo(first);
        assertThat(terms).hasSize(entries.size()).containsOnly((long) term);
    }

    @Test
    void snapshotMetadataWithAJointConfigurationRoundTrips() {
        ConfState joint = new ConfState(Set.of(1L, 2L, 4L), Set.of(7L), Set.of(1L, 2L, 3L), Set.of(3L), true);
        SnapshotMetadata meta = new SnapshotMetadata(90, 4, joint);
        assertThat(Payloads.readSnapshot(ByteBuffer.wrap(Payloads.snapshot(meta)))).isEqualTo(meta);
    }

    @Test
    void hardStateCompactAndCheckpointRoundTrip() {
        HardState state = new HardState(5, 2, 77);
        assertThat(Payloads.readHardState(ByteBuffer.wrap(Payloads.hardState(state)))).isEqualTo(state);
        SnapshotMetadata meta = new SnapshotMetadata(70, 5, ConfState.ofVoters(1L));
        ByteBuffer compact = ByteBuffer.wrap(Payloads.compact(meta, 60, 4));
        assertThat(Payloads.readSnapshot(compact)).isEqualTo(meta);
        assertThat(compact.getLong()).isEqualTo(60);
        assertThat(compact.getLong()).isEqualTo(4);
        List<Entry> live = List.of(Entry.normal(5, 61, new byte[] {1}), Entry.normal(5, 62, null));
        ByteBuffer checkpoint = ByteBuffer.wrap(Payloads.checkpoint(meta, 60, 4, state, live));
        assertThat(Payloads.skipToCheckpointEntries(checkpoint)).isTrue();
        assertThat(Payloads.readEntries(checkpoint)).containsExactlyElementsOf(live);
        ByteBuffer empty = ByteBuffer.wrap(Payloads.checkpoint(meta, 70, 5, state, List.of()));
        assertThat(Payloads.skipToCheckpointEntries(empty)).isFalse();
    }
}
