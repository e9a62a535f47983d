package io.ostraka.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every accepted sendSnapshot ends in reportSnapshot: close() interrupts the transfer in progress
 * (reported failed) and reports the ones queued behind it failed too (they used to be dropped
 * unreported, which would leave a leader's progress for the peer in snapshot state).
 */
class CloseSnapshotReportTest {
    @TempDir
    Path root;

    /** A store whose find() blocks until interrupted: the first transfer stays in progress. */
    private static final class StuckFiles implements SnapshotFiles {
        final CountDownLatch finding = new CountDownLatch(1);

        @Override
        public Optional<StoredSnapshot> find(long groupId, long term, long index) throws InterruptedIOException {
            finding.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new InterruptedIOException("interrupted");
        }

        @Override
        public List<StoredSnapshot> list(long groupId) {
            return List.of();
        }

        @Override
        public InputStream open(StoredSnapshot snapshot, String fileName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Writer begin(long groupId, long term, long index) {
            throw new UnsupportedOperationException();
        }
    }

    private static Message snapshot(long group) {
        return Message.builder(MessageType.SNAPSHOT).groupId(group).from(1).to(2).term(5)
                .snapshot(new SnapshotMetadata(100, 4, ConfState.ofVoters(1L, 2L))).build();
    }

    @Test
    void closeReportsEveryAcceptedSnapshotFailed() throws Exception {
        StuckFiles files = new StuckFiles();
        RecordingInbound inbound = new RecordingInbound();
        GrpcTransport t = new GrpcTransport(Nodes.config(1, root).snapshotFiles(files).build());
        t.start(inbound);
        t.setPeerAddress(2, "127.0.0.1:1");
        t.sendSnapshot(snapshot(1));
        assertThat(files.finding.await(10, TimeUnit.SECONDS)).isTrue();
        t.sendSnapshot(snapshot(2)); // accepted: queued behind group 1's transfer
        t.close(); // waits for the snapshot thread to terminate
        assertThat(inbound.snapshots()).containsExactlyInAnyOrder(
                new RecordingInbound.Report(1, 2, false), new RecordingInbound.Report(2, 2, false));
    }
}
