package io.ostraka.kv;

import io.ostraka.raft.Invariants;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * A store as the next command of a group sees it: the writes the earlier commands of the group
 * put in {@code batch} on top of {@code base}. Point reads only: the state machine writes the
 * batch out before a command that scans or counts, so those go to the store itself. Read-only.
 */
final class BatchView implements KvStore {
    private final KvStore base;
    private final KvWriteBatch batch;

    BatchView(KvStore base, KvWriteBatch batch) {
        this.base = base;
        this.batch = batch;
    }

    @Override
    public VersionedValue get(byte[] key) {
        return batch.touches(key) ? batch.latest(key) : base.get(key);
    }

    @Override
    public List<KvEntry> scan(byte[] start, byte[] end, int limit, long maxBytes) {
        Invariants.check(batch.isEmpty(), "a scan over %d unwritten batch writes", batch.size());
        return base.scan(start, end, limit, maxBytes);
    }

    @Override
    public long count(byte[] start, byte[] end) {
        Invariants.check(batch.isEmpty(), "a count over %d unwritten batch writes", batch.size());
        return base.count(start, end);
    }

    @Override
    public long size() {
        Invariants.check(batch.isEmpty(), "a size over %d unwritten batch writes", batch.size());
        return base.size();
    }

    @Override
    public void forEachEntry(EntryVisitor visitor) throws IOException {
        Invariants.check(batch.isEmpty(), "a snapshot over %d unwritten batch writes", batch.size());
        base.forEachEntry(visitor);
    }

    @Override
    public long appliedIndex() {
        return base.appliedIndex();
    }

    @Override
    public void forEachSession(Consumer<KvSession> visitor) {
        base.forEachSession(visitor);
    }

    @Override
    public void put(byte[] key, VersionedValue value) {
        throw new UnsupportedOperationException("a batch view is read-only");
    }

    @Override
    public boolean delete(byte[] key) {
        throw new UnsupportedOperationException("a batch view is read-only");
    }

    @Override
    public void write(KvWriteBatch batch) {
        throw new UnsupportedOperationException("a batch view is read-only");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("a batch view is read-only");
    }
}
