package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the snapshot throttle against an injected clock that only the test advances, so no real
 * timing is asserted: at every progress event the bytes sent stay within rate × (clock time
 * elapsed) plus one chunk, and the whole transfer needs at least (total − one chunk) / rate of
 * clock time.
 */
class SnapshotThrottleTest {
    private static final long RATE_BYTES_PER_SECOND = 1 << 20;
    private static final int CHUNK_BYTES = 128 * 1024;

    @TempDir
    Path root;

    record Event(long clockNanos, long sentBytes, long totalBytes) {
    }

    @Test
    void sentBytesNeverOutrunTheConfiguredRate() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        List<Event> events = new ArrayList<>();
        Nodes nodes = new Nodes(root);
        try (nodes) {
            nodes.start(1, b -> b.snapshotBytesPerSecond(RATE_BYTES_PER_SECOND).snapshotChunkBytes(CHUNK_BYTES)
                    .nanoClock(clock::get).listener(new TransportListener() {
                        @Override
                        public void snapshotProgress(long groupId, long peerId, long sentBytes, long totalBytes) {
                            synchronized (events) {
                                events.add(new Event(clock.get(), sentBytes, totalBytes));
                            }
                        }
                    }));
            nodes.start(2, b -> b);
            nodes.connectAll();
            SnapshotFiles.Writer w = nodes.transport(1).config().snapshotFiles().begin(1, 2, 30);
            byte[] data = new byte[1_500_000];
            new SplittableRandom(1).nextBytes(data);
            Files.write(w.directory().resolve("state"), data);
            w.commit();

            nodes.transport(1).sendSnapshot(Message.builder(MessageType.SNAPSHOT).groupId(1).from(1).to(2).term(2)
                    .snapshot(new SnapshotMetadata(30, 2, ConfState.ofVoters(1L, 2L))).build());
            Await.until("snapshot delivered", () -> {
                clock.addAndGet(5_000_000); // 5 ms of clock time per poll
                return !nodes.inbound(1).snapshots().isEmpty();
            });
            assertThat(nodes.inbound(1).snapshots()).containsExactly(new RecordingInbound.Report(1, 2, true));

            synchronized (events) {
                Event first = events.get(0);
                for (Event e : events) {
                    double allowed = RATE_BYTES_PER_SECOND * (e.clockNanos() - first.clockNanos()) / 1e9 + CHUNK_BYTES;
                    assertThat((double) e.sentBytes()).as("bytes sent at %s", e).isLessThanOrEqualTo(allowed);
                }
                Event last = events.get(events.size() - 1);
                assertThat(last.sentBytes()).isEqualTo(data.length);
                double minimumNanos = (data.length - CHUNK_BYTES) * 1e9 / RATE_BYTES_PER_SECOND;
                assertThat((double) (last.clockNanos() - first.clockNanos())).isGreaterThanOrEqualTo(minimumNanos);
            }
        }
    }
}
