package io.ostraka.kv;

import static io.ostraka.kv.TestBytes.b;
import static io.ostraka.kv.TestBytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves snapshots: a restored machine equals the original (keys, versions, indexes, sessions,
 * applied index) and continues identically; a snapshot is rejected — with a message naming the
 * damage and the current state untouched — when any bit flips, when it is cut short or extended,
 * or when it is offered for another index.
 */
class SnapshotTest {
    private final KvFixture kv = new KvFixture(new KvConfig(50, 10));

    @BeforeEach
    void fill() {
        long first = kv.openSession(); // index 1, session 1
        kv.apply(KvCommand.put(b("a"), b("2")));
        kv.apply(KvCommand.increment(b("n")).withSession(first, 1));
        long second = kv.openSession(); // index 4, session 4: opened, nothing applied yet
        kv.apply(KvCommand.delete(b("gone")));
        assertThat(second).isEqualTo(4);
    }

    private byte[] snapshotOf(KvStateMachine machine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        machine.snapshot(out);
        return out.toByteArray();
    }

    @Test
    void restoredMachineHasTheSameStateAndContinuesIdentically() throws IOException {
        byte[] snapshot = snapshotOf(kv.machine);
        KvStateMachine restored = KvStateMachine.inMemory(new KvConfig(50, 10));
        restored.restore(5, new ByteArrayInputStream(snapshot));

        assertThat(restored.appliedIndex()).isEqualTo(5);
        assertThat(snapshotOf(restored)).isEqualTo(snapshot);
        assertThat(restored.get(b("a"))).isEqualTo(kv.machine.get(b("a")));
        assertThat(restored.get(b("a")).version()).isEqualTo(1);
        assertThat(restored.sessionCount()).isEqualTo(2);
        assertThat(restored.lastSequence(1)).isEqualTo(1);
        assertThat(restored.lastSequence(4)).isZero();

        byte[] retry = KvCommand.increment(b("n")).withSession(1, 1).encode();
        assertThat(restored.apply(6, retry)).isEqualTo(kv.machine.apply(6, retry));
        assertThat(s(restored.get(b("n")).value())).isEqualTo("1");
        byte[] firstOfSecond = KvCommand.increment(b("n")).withSession(4, 1).encode();
        assertThat(restored.apply(7, firstOfSecond)).isEqualTo(kv.machine.apply(7, firstOfSecond));
        assertThat(s(restored.get(b("n")).value())).isEqualTo("2");
    }

    @Test
    void emptyMachineRoundTrips() throws IOException {
        KvStateMachine empty = KvStateMachine.inMemory();
        byte[] snapshot = snapshotOf(empty);
        KvStateMachine restored = KvStateMachine.inMemory();
        restored.restore(0, new ByteArrayInputStream(snapshot));
        assertThat(restored.size()).isZero();
        assertThat(snapshotOf(restored)).isEqualTo(snapshot);
    }

    @Test
    void everyFlippedBitIsDetectedAndLeavesTheStateAlone() throws IOException {
        byte[] snapshot = snapshotOf(kv.machine);
        KvStateMachine target = KvStateMachine.inMemory(new KvConfig(50, 10));
        target.apply(1, KvCommand.put(b("mine"), b("x")).encode());
        byte[] before = snapshotOf(target);

        for (int bit = 0; bit < snapshot.length * 8; bit++) {
            byte[] damaged = snapshot.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> target.restore(5, new ByteArrayInputStream(damaged)))
                    .as("bit %d", bit).isInstanceOf(CorruptSnapshotException.class);
        }
        assertThat(snapshotOf(target)).isEqualTo(before);
        assertThat(target.appliedIndex()).isEqualTo(1);
    }

    @Test
    void everyTruncationIsDetected() throws IOException {
        byte[] snapshot = snapshotOf(kv.machine);
        for (int length = 0; length < snapshot.length; length++) {
            byte[] cut = Arrays.copyOf(snapshot, length);
            assertThatThrownBy(() -> KvStateMachine.inMemory().restore(5, new ByteArrayInputStream(cut)))
                    .as("%d bytes", length).isInstanceOf(CorruptSnapshotException.class);
        }
    }

    @Test
    void errorsSayWhatIsWrong() throws IOException {
        byte[] snapshot = snapshotOf(kv.machine);
        KvStateMachine target = KvStateMachine.inMemory();

        assertThatThrownBy(() -> target.restore(4, new ByteArrayInputStream(snapshot)))
                .hasMessage("snapshot is of applied index 5 but was offered as index 4");
        assertThatThrownBy(() -> target.restore(5, new ByteArrayInputStream(Arrays.copyOf(snapshot, 20))))
                .hasMessageContaining("snapshot truncated");
        byte[] extended = Arrays.copyOf(snapshot, snapshot.length + 1);
        assertThatThrownBy(() -> target.restore(5, new ByteArrayInputStream(extended)))
                .hasMessage("unexpected bytes after the snapshot checksum");
        byte[] badMagic = snapshot.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> target.restore(5, new ByteArrayInputStream(badMagic)))
                .hasMessageContaining("not a KV snapshot: magic");
        byte[] badVersion = snapshot.clone();
        badVersion[7] = 2;
        assertThatThrownBy(() -> target.restore(5, new ByteArrayInputStream(badVersion)))
                .hasMessage("unsupported KV snapshot format version 2");
        byte[] badChecksum = snapshot.clone();
        badChecksum[snapshot.length - 1] ^= 1;
        assertThatThrownBy(() -> target.restore(5, new ByteArrayInputStream(badChecksum)))
                .hasMessageStartingWith("snapshot checksum mismatch: stored CRC32C 0x");
    }

    @Test
    void structuralDamageIsNamedBeforeTheChecksum() throws IOException {
        byte[] snapshot = snapshotOf(kv.machine);
        // Header is 4 + 4 + 8 bytes; then the session count.
        byte[] negativeSessions = snapshot.clone();
        ByteBuffer.wrap(negativeSessions).putInt(16, -1);
        assertThatThrownBy(() -> KvStateMachine.inMemory().restore(5, new ByteArrayInputStream(negativeSessions)))
                .hasMessage("negative session count -1");
    }
}
