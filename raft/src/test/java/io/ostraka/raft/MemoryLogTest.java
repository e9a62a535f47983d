package io.ostraka.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link LogView} contract as {@link MemoryLog} implements it: bounds, truncation, compaction, snapshots. */
class MemoryLogTest {

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.normal(term, i, new byte[] {(byte) i}));
        }
        return out;
    }

    @Test
    void anEmptyLogHasTermZeroAtIndexZero() {
        MemoryLog log = new MemoryLog();
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isZero();
        assertThat(log.term(0)).isZero();
        assertThat(log.hardState()).isEqualTo(HardState.EMPTY);
        assertThat(log.snapshot().isEmpty()).isTrue();
        assertThat(log.entries(1, 1, 10)).isEmpty();
    }

    @Test
    void appendTruncatesAConflictingSuffix() {
        MemoryLog log = new MemoryLog();
        log.append(entries(1, 5, 1));
        log.append(entries(3, 4, 2));
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(2)).isEqualTo(1);
        assertThat(log.term(3)).isEqualTo(2);
        assertThatThrownBy(() -> log.append(entries(7, 7, 2))).hasMessageContaining("gap");
        log.setHardState(new HardState(2, 0, 3));
        assertThatThrownBy(() -> log.append(entries(3, 3, 3))).hasMessageContaining("committed");
    }

    @Test
    void entriesRespectTheByteLimitButReturnAtLeastOne() {
        MemoryLog log = new MemoryLog();
        log.append(entries(1, 5, 1));
        long one = Entry.normal(1, 1, new byte[1]).sizeBytes();
        assertThat(log.entries(1, 6, 0)).hasSize(1);
        assertThat(log.entries(1, 6, 2 * one)).hasSize(2);
        assertThat(log.entries(2, 6, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(2L, 3L, 4L, 5L);
        assertThatThrownBy(() -> log.entries(3, 9, 10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> log.term(9)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void createSnapshotCompactsKeepingTrailingEntries() {
        MemoryLog log = new MemoryLog();
        log.append(entries(1, 10, 1));
        log.createSnapshot(new SnapshotMetadata(8, 1, ConfState.ofVoters(1L)), 3);
        assertThat(log.snapshot().index()).isEqualTo(8);
        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.term(5)).isEqualTo(1);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(LogView.LogCompactedException.class);
        assertThatThrownBy(() -> log.entries(4, 6, 100)).isInstanceOf(LogView.LogCompactedException.class);
        // Appending over compacted entries keeps only the part after the compaction point.
        log.append(entries(4, 12, 1));
        assertThat(log.lastIndex()).isEqualTo(12);
        assertThat(log.firstIndex()).isEqualTo(6);
        assertThatThrownBy(() -> log.createSnapshot(new SnapshotMetadata(7, 1, ConfState.ofVoters(1L)), 0))
                .hasMessageContaining("older");
    }

    @Test
    void installSnapshotReplacesTheLog() {
        MemoryLog log = new MemoryLog();
        log.append(entries(1, 3, 1));
        log.installSnapshot(new SnapshotMetadata(20, 4, ConfState.ofVoters(1L, 2L)));
        assertThat(log.firstIndex()).isEqualTo(21);
        assertThat(log.lastIndex()).isEqualTo(20);
        assertThat(log.term(20)).isEqualTo(4);
        MemoryLog fresh = MemoryLog.fromSnapshot(new SnapshotMetadata(5, 2, ConfState.ofVoters(1L)));
        assertThat(fresh.firstIndex()).isEqualTo(6);
        assertThatThrownBy(() -> log.installSnapshot(new SnapshotMetadata(10, 4, ConfState.ofVoters(1L))))
                .hasMessageContaining("older");
    }

    @Test
    void valueTypesValidateTheirFields() {
        assertThatThrownBy(() -> new HardState(-1, 0, 0)).hasMessageContaining("negative");
        assertThatThrownBy(() -> new SnapshotMetadata(3, 0, ConfState.EMPTY)).hasMessageContaining("snapshot index");
        assertThatThrownBy(() -> Entry.normal(-1, 1, null)).hasMessageContaining("negative");
        Entry e = new Entry(2, 3, EntryType.CONF_CHANGE, new byte[] {1});
        assertThat(e).isEqualTo(new Entry(2, 3, EntryType.CONF_CHANGE, new byte[] {1}));
        assertThat(e.hashCode()).isEqualTo(new Entry(2, 3, EntryType.CONF_CHANGE, new byte[] {1}).hashCode());
        assertThat(e.toString()).contains("conf");
        assertThat(Entry.normal(1, 1, null).isEmptyNormal()).isTrue();
    }

    @Test
    void messagesRoundTripThroughTheirBuilder() {
        Message m = Message.builder(MessageType.APPEND).groupId(7).from(1).to(2).term(3).logTerm(2).index(9)
                .entries(entries(10, 11, 3)).commit(8).reject(false).rejectHint(0).context(5).build();
        assertThat(m.toBuilder().build()).isEqualTo(m);
        assertThat(m.hashCode()).isEqualTo(m.toBuilder().build().hashCode());
        assertThat(m.entriesBytes()).isPositive();
        for (MessageType t : MessageType.values()) {
            Message.Builder b = Message.builder(t).from(1).to(2).term(1);
            if (t == MessageType.SNAPSHOT) {
                b.snapshot(new SnapshotMetadata(1, 1, ConfState.ofVoters(1L)));
            }
            assertThat(b.reject(true).build().toString()).contains(t.name());
        }
        assertThat(MessageType.APPEND_RESPONSE.isResponse()).isTrue();
        assertThat(MessageType.APPEND.isResponse()).isFalse();
        assertThatThrownBy(() -> Message.builder(MessageType.SNAPSHOT).build()).hasMessageContaining("without metadata");
    }
}
