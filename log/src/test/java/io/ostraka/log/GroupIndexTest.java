package io.ostraka.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ostraka.raft.Entry;
import io.ostraka.raft.LogView;
import org.junit.jupiter.api.Test;

/** The per-group index: truncation, compaction, the bounded cache and the oldest segment needed. */
class GroupIndexTest {
    private static Entry entry(long index) {
        return Entry.normal(1, index, new byte[76]);
    }

    @Test
    void theCacheKeepsTheNewestEntriesWithinItsBudget() {
        GroupIndex index = new GroupIndex();
        for (long i = 1; i <= 10; i++) {
            index.append(1, Locations.of(1, 100 * i), entry(i));
            index.trimCache(300);
        }
        assertThat(index.cached(7)).isNull();
        assertThat(index.cached(8)).isEqualTo(entry(8));
        assertThat(index.cached(10)).isEqualTo(entry(10));
        index.truncateFrom(9);
        index.append(2, Locations.of(2, 40), Entry.normal(2, 9, null));
        assertThat(index.cached(8)).isEqualTo(entry(8));
        assertThat(index.cached(9)).isEqualTo(Entry.normal(2, 9, null));
        assertThat(index.term(9)).isEqualTo(2);
    }

    @Test
    void anUncachedAppendDropsTheCacheSoItStaysASuffix() {
        GroupIndex index = new GroupIndex();
        index.append(1, Locations.of(1, 32), entry(1));
        index.append(1, Locations.of(1, 64), null);
        assertThat(index.cached(1)).isNull();
        index.append(1, Locations.of(1, 96), entry(3));
        assertThat(index.cached(3)).isEqualTo(entry(3));
    }

    @Test
    void compactionMovesTheFirstIndexAndTheOldestSegment() {
        GroupIndex index = new GroupIndex();
        for (long i = 1; i <= 6; i++) {
            index.append(i, Locations.of(i, 32), entry(i));
        }
        assertThat(index.oldestSegmentNeeded()).isEqualTo(1);
        index.compactTo(3, 3);
        assertThat(index.firstIndex()).isEqualTo(4);
        assertThat(index.term(3)).isEqualTo(3);
        assertThat(index.oldestSegmentNeeded()).isEqualTo(4);
        assertThatThrownBy(() -> index.term(2)).isInstanceOf(LogView.LogCompactedException.class);
        index.compactTo(10, 9);
        assertThat(index.firstIndex()).isEqualTo(11);
        assertThat(index.lastIndex()).isEqualTo(10);
        assertThat(index.oldestSegmentNeeded()).isEqualTo(GroupIndex.NO_SEGMENT);
    }

    @Test
    void manyAppendsAndCompactionsKeepIndexesConsistent() {
        GroupIndex index = new GroupIndex();
        for (long i = 1; i <= 10_000; i++) {
            index.append(i / 100, Locations.of(i / 1000, i), null);
            if (i % 700 == 0) {
                index.compactTo(i - 50, (i - 50) / 100);
            }
        }
        assertThat(index.firstIndex()).isEqualTo(9751);
        for (long i = index.firstIndex(); i <= index.lastIndex(); i++) {
            assertThat(index.term(i)).isEqualTo(i / 100);
            assertThat(Locations.offsetBytes(index.location(i))).isEqualTo(i);
        }
    }
}
