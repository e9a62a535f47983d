package io.ostraka.log;

import io.ostraka.log.segment.Segment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes segments no group needs, on the writer thread between writes.
 *
 * <p>A group needs the segment of its first live entry, of its latest hard state and of its
 * latest snapshot/compaction record ({@link GroupIndex#oldestSegmentNeeded()}); every older
 * sealed segment can go. One idle or lagging group would otherwise pin the oldest segment — and
 * with it every later one — forever, so when the oldest segment falls {@code lagSegmentsMax}
 * behind the active one, each group pinning it is rewritten forward as a single CHECKPOINT
 * record in the active segment (its whole live state; small for a lagging group), after which
 * the segment is free. The rewrite is only worth it when it is small next to the segment it
 * frees, so all the groups pinning the segment together may rewrite at most
 * {@code relocateBytesMax}; otherwise the segment stays (a group that never compacts keeps all
 * its entries live, and moving them would reclaim nothing) and {@link #pinnedByGroup()} names
 * a group that needs a snapshot.
 */
final class Purger {
    private final LogEngine engine;
    private volatile boolean wanted = true;
    private volatile long pinnedByGroup = -1;
    private volatile long checkpointsWritten;

    Purger(LogEngine engine) {
        this.engine = engine;
    }

    void requestPurge() {
        wanted = true;
    }

    boolean wanted() {
        return wanted;
    }

    /** The group that last kept an old segment alive because it was too large to relocate; -1 if none. */
    long pinnedByGroup() {
        return pinnedByGroup;
    }

    long checkpointsWritten() {
        return checkpointsWritten;
    }

    void maybePurge(LogWriter writer) throws IOException {
        if (!wanted) {
            return;
        }
        wanted = false;
        deleteUnneeded();
        if (relocateLagging(writer)) {
            deleteUnneeded();
            wanted = true;
        }
    }

    private void deleteUnneeded() throws IOException {
        SegmentSet segments = engine.segments();
        long needed = segments.active().id;
        for (GroupLog group : engine.groupLogs()) {
            needed = Math.min(needed, group.oldestSegmentNeeded());
        }
        for (Segment segment : segments.snapshotList()) {
            if (segment.id < needed) {
                segments.delete(segment.id);
            }
        }
    }

    /** Rewrites the groups pinning a lagging oldest segment; true when it wrote checkpoints. */
    private boolean relocateLagging(LogWriter writer) throws IOException {
        SegmentSet segments = engine.segments();
        long oldest = segments.oldestId();
        if (segments.active().id - oldest < engine.config().lagSegmentsMax()) {
            return false;
        }
        List<PendingWrite.Record> checkpoints = new ArrayList<>();
        long budgetBytes = engine.config().relocateBytesMax();
        for (GroupLog group : engine.groupLogs()) {
            if (group.oldestSegmentNeeded() == oldest) {
                PendingWrite.Record checkpoint = group.checkpoint(budgetBytes);
                if (checkpoint == null || checkpoint.sizeBytes() > budgetBytes) {
                    pinnedByGroup = group.groupId();
                    return false;
                }
                budgetBytes -= checkpoint.sizeBytes();
                checkpoints.add(checkpoint);
            }
        }
        if (checkpoints.isEmpty()) {
            return false;
        }
        writer.writeDurably(List.of(new PendingWrite(checkpoints)));
        checkpointsWritten += checkpoints.size();
        return true;
    }
}
