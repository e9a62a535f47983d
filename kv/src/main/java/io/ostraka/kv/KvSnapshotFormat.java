package io.ostraka.kv;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The snapshot stream of the KV state machine, format version 1 (big-endian, as DataOutput):
 * <pre>
 *   int    magic 0x4F534B56 ("OSKV")
 *   int    format version (1)
 *   long   applied index
 *   int    session count, then per session in id order:
 *            long id, long last sequence, long last active index, int result length, result bytes
 *   entries in key order, each:  u8 1, int key length, key, int value length, value,
 *                                long version, long create index, long mod index
 *   u8 0   (end of entries; the count is not known up front when iterating a RocksDB snapshot)
 *   int    CRC32C of every byte above
 * </pre>
 * and nothing after. Reading validates everything before trusting it: lengths against the limits
 * (so a flipped length cannot make us allocate gigabytes; {@code readNBytes} grows as data
 * arrives), keys strictly increasing, {@code 1 <= createIndex <= modIndex <= appliedIndex}, then
 * the checksum; any failure is a {@link CorruptSnapshotException} that says what was wrong.
 */
final class KvSnapshotFormat {
    static final int MAGIC = 0x4F534B56;
    static final int FORMAT_VERSION = 1;
    private static final int ENTRY = 1;
    private static final int END = 0;
    private static final int RESTORE_BATCH_KEYS = 1000;
    /** A remembered result is at most a batch of full values; anything larger is damage. */
    static final int RESULT_BYTES_MAX = Integer.MAX_VALUE - 8;

    private KvSnapshotFormat() {}

    static void write(long appliedIndex, SessionTable sessions, KvStore store, OutputStream out) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
        CRC32C crc = new CRC32C();
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(buffered, crc));
        data.writeInt(MAGIC);
        data.writeInt(FORMAT_VERSION);
        data.writeLong(appliedIndex);
        data.writeInt(sessions.size());
        for (KvSession session : sessions.inIdOrder()) {
            data.writeLong(session.id());
            data.writeLong(session.lastSequence());
            data.writeLong(session.lastActiveIndex());
            data.writeInt(session.lastResult().length);
            data.write(session.lastResult());
        }
        store.forEachEntry((key, value) -> {
            data.writeByte(ENTRY);
            data.writeInt(key.length);
            data.write(key);
            data.writeInt(value.value().length);
            data.write(value.value());
            data.writeLong(value.version());
            data.writeLong(value.createIndex());
            data.writeLong(value.modIndex());
        });
        data.writeByte(END);
        data.flush();
        new DataOutputStream(buffered).writeInt((int) crc.getValue());
        buffered.flush();
    }

    /**
     * Reads a snapshot taken at {@code expectedIndex} into the empty {@code sessions} and
     * {@code store}. On a {@link CorruptSnapshotException} both hold garbage and must be discarded.
     */
    static void read(long expectedIndex, InputStream in, SessionTable sessions, KvStore store) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        CRC32C crc = new CRC32C();
        DataInputStream data = new DataInputStream(new CheckedInputStream(buffered, crc));
        try {
            readHeader(data, expectedIndex);
            readSessions(data, expectedIndex, sessions);
            readEntries(data, expectedIndex, store);
            int computed = (int) crc.getValue();
            int stored = new DataInputStream(buffered).readInt();
            if (stored != computed) {
                throw new CorruptSnapshotException(String.format(Locale.ROOT,
                        "snapshot checksum mismatch: stored CRC32C 0x%08x, computed 0x%08x", stored, computed));
            }
        } catch (EOFException e) {
            throw new CorruptSnapshotException("snapshot truncated: the stream ended before the checksum");
        }
        if (buffered.read() != -1) {
            throw new CorruptSnapshotException("unexpected bytes after the snapshot checksum");
        }
    }

    private static void readHeader(DataInputStream data, long expectedIndex) throws IOException {
        int magic = data.readInt();
        if (magic != MAGIC) {
            throw new CorruptSnapshotException(String.format(Locale.ROOT,
                    "not a KV snapshot: magic 0x%08x, expected 0x%08x", magic, MAGIC));
        }
        int version = data.readInt();
        if (version != FORMAT_VERSION) {
            throw new CorruptSnapshotException("unsupported KV snapshot format version " + version);
        }
        long appliedIndex = data.readLong();
        if (appliedIndex != expectedIndex) {
            throw new CorruptSnapshotException("snapshot is of applied index " + appliedIndex
                    + " but was offered as index " + expectedIndex);
        }
    }

    private static void readSessions(DataInputStream data, long appliedIndex, SessionTable sessions)
            throws IOException {
        int count = data.readInt();
        if (count < 0) {
            throw new CorruptSnapshotException("negative session count " + count);
        }
        long previousId = 0;
        for (int i = 0; i < count; i++) {
            long id = data.readLong();
            long lastSequence = data.readLong();
            long lastActiveIndex = data.readLong();
            if (id == 0 || (i > 0 && id <= previousId)) {
                throw new CorruptSnapshotException("session " + i + ": id " + id + " is zero or out of order");
            }
            if (lastSequence < 0 || lastActiveIndex < 1 || lastActiveIndex > appliedIndex) {
                throw new CorruptSnapshotException("session " + id + ": sequence " + lastSequence
                        + " or last active index " + lastActiveIndex + " impossible at index " + appliedIndex);
            }
            byte[] result = readBytes(data, RESULT_BYTES_MAX, "session " + id + " result");
            sessions.restore(new KvSession(id, lastSequence, result, lastActiveIndex));
            previousId = id;
        }
    }

    private static void readEntries(DataInputStream data, long appliedIndex, KvStore store) throws IOException {
        byte[] previousKey = null;
        // Entries reach the store in batches: one RocksDB write per thousand keys, not per key.
        KvWriteBatch batch = new KvWriteBatch();
        for (long n = 0; ; n++) {
            int marker = data.readUnsignedByte();
            if (marker == END) {
                store.write(batch);
                return;
            }
            if (marker != ENTRY) {
                throw new CorruptSnapshotException("entry " + n + ": bad marker " + marker);
            }
            byte[] key = readBytes(data, KvLimits.KEY_BYTES_MAX, "entry " + n + " key");
            if (previousKey != null && !Bytes.less(previousKey, key)) {
                throw new CorruptSnapshotException("entry " + n + ": key " + Bytes.display(key)
                        + " not after " + Bytes.display(previousKey));
            }
            byte[] value = readBytes(data, KvLimits.VALUE_BYTES_MAX, "entry " + n + " value");
            long version = data.readLong();
            long createIndex = data.readLong();
            long modIndex = data.readLong();
            // Long.MAX_VALUE cannot be a count of writes, and the next write would overflow it,
            // throwing out of apply on every replica.
            if (version < 1 || version == Long.MAX_VALUE || createIndex < 1 || modIndex < createIndex || modIndex > appliedIndex) {
                throw new CorruptSnapshotException("entry " + n + " (" + Bytes.display(key) + "): version "
                        + version + ", createIndex " + createIndex + ", modIndex " + modIndex
                        + " impossible at applied index " + appliedIndex);
            }
            batch.put(key, new VersionedValue(value, version, createIndex, modIndex));
            if (batch.size() == RESTORE_BATCH_KEYS) {
                store.write(batch);
                batch = new KvWriteBatch();
            }
            previousKey = key;
        }
    }

    private static byte[] readBytes(DataInputStream data, int maxBytes, String what) throws IOException {
        int length = data.readInt();
        if (length < 0 || length > maxBytes) {
            throw new CorruptSnapshotException(what + ": length " + length + " outside [0, " + maxBytes + "]");
        }
        byte[] bytes = data.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return bytes;
    }
}
