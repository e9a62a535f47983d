package io.ostraka.transport;

import io.ostraka.node.Inbound;
import io.ostraka.node.SnapshotTransfer;
import io.ostraka.raft.Message;
import java.util.ArrayList;
import java.util.List;

/** An {@link Inbound} that records everything, for tests to poll. */
final class RecordingInbound implements Inbound {
    record Report(long groupId, long peerId, boolean ok) {
    }

    private final List<SnapshotTransfer> transfers = new ArrayList<>();
    private final List<Message> received = new ArrayList<>();
    private final List<Report> unreachable = new ArrayList<>();
    private final List<Report> snapshots = new ArrayList<>();
    private final List<Long> peersDown = new ArrayList<>();

    @Override
    public synchronized void receive(List<Message> messages) {
        received.addAll(messages);
    }

    @Override
    public synchronized void reportUnreachable(long groupId, long peerId) {
        unreachable.add(new Report(groupId, peerId, false));
    }

    @Override
    public synchronized void reportSnapshot(long groupId, long peerId, boolean delivered) {
        snapshots.add(new Report(groupId, peerId, delivered));
    }

    @Override
    public synchronized void reportPeerDown(long peerId) {
        peersDown.add(peerId);
    }

    synchronized List<Long> peersDown() {
        return List.copyOf(peersDown);
    }

    synchronized List<Message> received() {
        return List.copyOf(received);
    }

    synchronized List<Report> unreachable() {
        return List.copyOf(unreachable);
    }

    synchronized List<Report> snapshots() {
        return List.copyOf(snapshots);
    }

    @Override
    public synchronized void snapshotTransfer(SnapshotTransfer progress) {
        transfers.add(progress);
    }

    synchronized List<SnapshotTransfer> transfers() {
        return List.copyOf(transfers);
    }
}
