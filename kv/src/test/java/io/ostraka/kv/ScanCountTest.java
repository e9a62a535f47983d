package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proves range scans over [start, end): bounds, limit with the "more" flag, empty ranges, and counts. */
class ScanCountTest {
    private final KvFixture kv = new KvFixture();

    @BeforeEach
    void fill() {
        for (String key : List.of("a", "b", "b1", "c", "d")) {
            kv.apply(KvCommand.put(b(key), b("v-" + key)));
        }
    }

    private static List<String> keys(KvResult result) {
        return result.entries().stream().map(e -> s(e.key())).toList();
    }

    @Test
    void startIsInclusiveAndEndExclusive() {
        KvResult result = kv.machine.scan(b("b"), b("c"), 100);
        assertThat(result.status()).isEqualTo(KvStatus.OK);
        assertThat(keys(result)).containsExactly("b", "b1");
        assertThat(result.more()).isFalse();
        KvEntry first = result.entries().get(0);
        assertThat(s(first.value().value())).isEqualTo("v-b");
        assertThat(first.value().version()).isEqualTo(1);
        assertThat(first.value().createIndex()).isEqualTo(2);
    }

    @Test
    void noEndMeansToTheEndOfTheKeySpace() {
        assertThat(keys(kv.machine.scan(b("c"), null, 100))).containsExactly("c", "d");
        assertThat(keys(kv.machine.scan(new byte[0], null, 100))).containsExactly("a", "b", "b1", "c", "d");
    }

    @Test
    void limitCutsTheRangeAndSaysThereIsMore() {
        KvResult cut = kv.machine.scan(new byte[0], null, 2);
        assertThat(keys(cut)).containsExactly("a", "b");
        assertThat(cut.more()).isTrue();

        KvResult exact = kv.machine.scan(new byte[0], null, 5);
        assertThat(exact.entries()).hasSize(5);
        assertThat(exact.more()).isFalse();
    }

    @Test
    void aScanStopsAtItsByteBudgetAndSaysThereIsMore() {
        KvFixture big = new KvFixture();
        byte[] mib = new byte[KvLimits.VALUE_BYTES_MAX];
        int n = (int) (KvLimits.SCAN_RESULT_BYTES_MAX / mib.length) + 3;
        for (int i = 0; i < n; i++) {
            big.apply(KvCommand.put(b("big" + i), mib));
        }
        KvResult first = big.machine.scan(b("big"), null, 1000);
        assertThat(first.more()).isTrue();
        assertThat(first.entries()).hasSizeLessThan(n);
        long bytes = first.entries().stream().mapToLong(KvEntry::sizeBytes).sum();
        assertThat(bytes).isLessThanOrEqualTo(KvLimits.SCAN_RESULT_BYTES_MAX + KvLimits.KEY_BYTES_MAX + KvLimits.VALUE_BYTES_MAX);
        // Going on from the last key reaches every key.
        int seen = first.entries().size();
        byte[] last = first.entries().get(seen - 1).key();
        KvResult rest = big.machine.scan(java.util.Arrays.copyOf(last, last.length + 1), null, 1000);
        assertThat(seen + rest.entries().size()).isEqualTo(n);
        assertThat(rest.more()).isFalse();
    }

    @Test
    void emptyAndInvertedRangesAreEmpty() {
        assertThat(kv.machine.scan(b("b"), b("b"), 10).entries()).isEmpty();
        assertThat(kv.machine.scan(b("d"), b("a"), 10).entries()).isEmpty();
        assertThat(kv.machine.scan(b("x"), null, 10).entries()).isEmpty();
        assertThat(kv.machine.count(b("d"), b("a")).integer()).isZero();
    }

    @Test
    void scanThroughTheLogMatchesTheLocalScan() {
        KvResult viaLog = kv.apply(KvCommand.scan(b("a"), b("c"), 2));
        assertThat(viaLog).isEqualTo(kv.machine.scan(b("a"), b("c"), 2));
        assertThat(viaLog.more()).isTrue();
    }

    @Test
    void countAndSize() {
        assertThat(kv.machine.count(b("b"), null).integer()).isEqualTo(4);
        assertThat(kv.machine.count(b("b"), b("c")).integer()).isEqualTo(2);
        assertThat(kv.apply(KvCommand.count(new byte[0], null)).integer()).isEqualTo(5);
        assertThat(kv.machine.size()).isEqualTo(5);
    }

    @Test
    void limitOutsideItsRangeIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kv.machine.scan(b("a"), null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scan limit 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> KvCommand.scan(b("a"), null, KvLimits.SCAN_LIMIT_MAX + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A scan's next page starts at the successor of its last key: one byte past the longest key. */
    @Test
    void aRangeBoundMayBeOneByteLongerThanTheLongestKey() {
        byte[] longest = new byte[KvLimits.KEY_BYTES_MAX];
        java.util.Arrays.fill(longest, (byte) 'a');
        kv.apply(KvCommand.put(longest, b("v")));
        byte[] successor = java.util.Arrays.copyOf(longest, longest.length + 1);

        KvCommand next = KvCommand.scan(successor, null, 10);
        KvCommand.Decoded decoded = KvCommand.decode(next.encode());
        assertThat(decoded.error()).isNull();
        assertThat(keys(kv.apply(decoded.command()))).containsExactly("b", "b1", "c", "d");
        assertThat(kv.apply(KvCommand.count(b(""), successor)).integer()).isEqualTo(2); // "a" and the longest

        byte[] tooLong = new byte[KvLimits.RANGE_BOUND_BYTES_MAX + 1];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KvCommand.scan(tooLong, null, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start of 65538 bytes exceeds 65537");
        // version, no session, SCAN, a start of 65538 bytes, no end, limit 10
        WireWriter w = new WireWriter(tooLong.length + 16).u8(KvCommand.FORMAT_VERSION).varint(0).u8(OpCode.SCAN.code())
                .bytes(tooLong).u8(0).varint(10);
        assertThat(KvCommand.decode(w.toByteArray()).error()).contains("start: length 65538 exceeds the maximum 65537");
    }
}
