package io.ostraka.log;

import io.ostraka.log.segment.RecordFormat;
import io.ostraka.log.segment.RecordType;
import io.ostraka.raft.Entry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One caller's write: the records it adds (all of one group) and the future completed once the
 * write that carries them has been fsynced and applied to the group's index.
 */
final class PendingWrite {
    final List<Record> records;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    /** Queued by {@link LogWriter#stage}: completed on the thread that writes it out, if not the writer's. */
    boolean staged;

    PendingWrite(List<Record> records) {
        this.records = records;
    }

    int sizeBytes() {
        int total = 0;
        for (Record record : records) {
            total += record.sizeBytes();
        }
        return total;
    }

    /** One record to write; {@code location} is set by the writer when it places the record. */
    static final class Record {
        final GroupLog group;
        final RecordType type;
        final byte[] payload;
        /** Entries of an ENTRIES or CHECKPOINT record, kept for the cache; otherwise null. */
        final List<Entry> entries;
        long location;

        Record(GroupLog group, RecordType type, byte[] payload, List<Entry> entries) {
            this.group = group;
            this.type = type;
            this.payload = payload;
            this.entries = entries;
        }

        int sizeBytes() {
            return RecordFormat.HEADER_BYTES + payload.length;
        }
    }
}
