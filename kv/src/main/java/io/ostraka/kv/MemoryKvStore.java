package io.ostraka.kv;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@link KvStore} on a {@link TreeMap} ordered by {@link Bytes#UNSIGNED_LEXICOGRAPHIC}. A batch
 * write is atomic trivially: nothing else runs while it is applied, and nothing in it can fail.
 * The sessions it keeps are the state machine's own {@link KvSession} objects (shared, not
 * copied), so remembering them here costs a map node each.
 */
public final class MemoryKvStore implements KvStore {
    private final TreeMap<byte[], VersionedValue> entries = new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);
    private final TreeMap<Long, KvSession> sessions = new TreeMap<>();
    private long appliedIndex;

    @Override
    public VersionedValue get(byte[] key) {
        return entries.get(key);
    }

    @Override
    public void put(byte[] key, VersionedValue value) {
        entries.put(key, value);
    }

    @Override
    public boolean delete(byte[] key) {
        return entries.remove(key) != null;
    }

    @Override
    public void write(KvWriteBatch batch) {
        batch.forEach(new KvWriteBatch.Visitor() {
            @Override
            public void put(byte[] key, VersionedValue value) {
                entries.put(key, value);
            }

            @Override
            public void delete(byte[] key) {
                entries.remove(key);
            }
        });
        batch.forEachSessionChange(new KvWriteBatch.SessionVisitor() {
            @Override
            public void putSession(KvSession session) {
                sessions.put(session.id(), session);
            }

            @Override
            public void deleteSession(long id) {
                sessions.remove(id);
            }
        });
        if (batch.appliedIndex() != KvWriteBatch.NO_APPLIED_INDEX) {
            appliedIndex = batch.appliedIndex();
        }
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public void forEachSession(Consumer<KvSession> visitor) {
        sessions.values().forEach(visitor);
    }

    @Override
    public List<KvEntry> scan(byte[] start, byte[] end, int limit, long maxBytes) {
        if (limit < 0) {
            throw new IllegalArgumentException("scan limit " + limit + " < 0");
        }
        List<KvEntry> out = new ArrayList<>(Math.min(limit, 64));
        long bytes = 0;
        for (Map.Entry<byte[], VersionedValue> entry : range(start, end).entrySet()) {
            if (out.size() >= limit || bytes >= maxBytes) {
                break;
            }
            KvEntry found = new KvEntry(entry.getKey(), entry.getValue());
            out.add(found);
            bytes += found.sizeBytes();
        }
        return out;
    }

    @Override
    public long count(byte[] start, byte[] end) {
        return range(start, end).size();
    }

    @Override
    public long size() {
        return entries.size();
    }

    @Override
    public void forEachEntry(EntryVisitor visitor) throws IOException {
        for (Map.Entry<byte[], VersionedValue> entry : entries.entrySet()) {
            visitor.visit(entry.getKey(), entry.getValue());
        }
    }

    @Override
    public void clear() {
        entries.clear();
    }

    private NavigableMap<byte[], VersionedValue> range(byte[] start, byte[] end) {
        if (end == null) {
            return entries.tailMap(start, true);
        }
        if (!Bytes.less(start, end)) {
            return new TreeMap<>(Bytes.UNSIGNED_LEXICOGRAPHIC);
        }
        return entries.subMap(start, true, end, false);
    }
}
