package io.ostraka.sim;

import io.ostraka.raft.Entry;
import io.ostraka.raft.HardState;
import io.ostraka.raft.MemoryLog;
import io.ostraka.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A node's disk, faithful to what a crash can do. Writes land in the page cache at once (the
 * {@link #live()} log the running core reads) and reach the platter only when an fsync
 * completes ({@link #syncAll()}). A crash keeps the durable state plus a random prefix of the
 * unsynced writes — an append-only log loses a suffix, possibly in the middle of a batch (a torn
 * write, which the real engine detects by checksum and truncates) — and loses the rest.
 *
 * <p>Snapshot files are written and fsynced before their metadata is logged, as the real
 * snapshot store does, so they survive any crash once written.
 */
final class SimDisk {
    private MemoryLog durable = new MemoryLog();
    private MemoryLog live = durable.copy();
    private final List<Consumer<MemoryLog>> unsynced = new ArrayList<>();
    private final TreeMap<Long, byte[]> snapshotFiles = new TreeMap<>();

    MemoryLog live() {
        return live;
    }

    MemoryLog durable() {
        return durable;
    }

    void bootstrap(List<Long> voters) {
        io.ostraka.raft.RaftCore.bootstrap(durable, voters);
        live = durable.copy();
    }

    void installSnapshot(SnapshotMetadata snapshot) {
        write(log -> log.installSnapshot(snapshot));
    }

    /** One write per entry, so a crash can keep any prefix of a batch. */
    void append(List<Entry> entries) {
        for (Entry e : entries) {
            write(log -> log.append(List.of(e)));
        }
    }

    void setHardState(HardState hs) {
        write(log -> log.setHardState(hs));
    }

    void createSnapshot(SnapshotMetadata snapshot, long trailing, byte[] data) {
        snapshotFiles.put(snapshot.index(), data);
        while (snapshotFiles.size() > 3) {
            snapshotFiles.pollFirstEntry();
        }
        write(log -> log.createSnapshot(snapshot, trailing));
    }

    void storeReceivedSnapshot(long index, byte[] data) {
        snapshotFiles.put(index, data);
    }

    byte[] snapshotFile(long index) {
        return snapshotFiles.get(index);
    }

    private void write(Consumer<MemoryLog> op) {
        op.accept(live);
        unsynced.add(op);
    }

    boolean hasUnsynced() {
        return !unsynced.isEmpty();
    }

    void syncAll() {
        for (Consumer<MemoryLog> op : unsynced) {
            op.accept(durable);
        }
        unsynced.clear();
    }

    /** Loses power: a random prefix of the unsynced writes survives when {@code tear}, none otherwise. */
    int crash(SplittableRandom random, boolean tear) {
        int survivors = tear && !unsynced.isEmpty() ? random.nextInt(unsynced.size() + 1) : 0;
        for (int i = 0; i < survivors; i++) {
            unsynced.get(i).accept(durable);
        }
        int lost = unsynced.size() - survivors;
        unsynced.clear();
        live = durable.copy();
        return lost;
    }
}
