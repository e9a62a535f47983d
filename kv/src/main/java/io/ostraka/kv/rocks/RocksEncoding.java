package io.ostraka.kv.rocks;

import io.ostraka.kv.Bytes;
import io.ostraka.kv.KvSession;
import io.ostraka.kv.VersionedValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of a {@link RocksKvStore}, format version 1.
 *
 * <pre>
 * default column family   key = the KV key as is (bytewise order = Bytes.UNSIGNED_LEXICOGRAPHIC)
 *                         value = u8 1, varint version, varint createIndex, varint modIndex, value bytes
 * "meta" column family    "format"   -> int 1 (big-endian)
 *                         "applied"  -> long applied index
 *                         "keys"     -> long number of keys in the default column family
 *                         "s" + long (id ^ Long.MIN_VALUE, big-endian, so bytewise = signed id order)
 *                                    -> u8 1, long lastSequence, long lastActiveIndex, result bytes
 * </pre>
 * Varints are unsigned LEB128. Decoding checks everything and names the key on damage.
 */
final class RocksEncoding {
    private RocksEncoding() {}

    static final int FORMAT_VERSION = 1;
    static final byte[] META_CF = "meta".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    static final byte[] APPLIED_KEY = "applied".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY_COUNT_KEY = "keys".getBytes(StandardCharsets.US_ASCII);
    static final byte SESSION_PREFIX = 's';
    private static final byte VALUE_FORMAT = 1;
    private static final byte SESSION_FORMAT = 1;

    static byte[] encodeValue(VersionedValue value) {
        byte[] bytes = value.value();
        ByteBuffer out = ByteBuffer.allocate(1 + 3 * 10 + bytes.length);
        out.put(VALUE_FORMAT);
        putVarint(out, value.version());
        putVarint(out, value.createIndex());
        putVarint(out, value.modIndex());
        out.put(bytes);
        return Arrays.copyOf(out.array(), out.position());
    }

    static VersionedValue decodeValue(byte[] key, byte[] stored) {
        try {
            ByteBuffer in = ByteBuffer.wrap(stored);
            byte format = in.get();
            if (format != VALUE_FORMAT) {
                throw corrupt(key, "value format " + format);
            }
            long version = getVarint(in);
            long createIndex = getVarint(in);
            long modIndex = getVarint(in);
            if (version < 1 || createIndex < 1 || modIndex < createIndex) {
                throw corrupt(key, "version " + version + ", createIndex " + createIndex + ", modIndex " + modIndex);
            }
            byte[] value = new byte[in.remaining()];
            in.get(value);
            return new VersionedValue(value, version, createIndex, modIndex);
        } catch (java.nio.BufferUnderflowException e) {
            throw corrupt(key, "truncated value of " + stored.length + " bytes");
        }
    }

    static byte[] sessionKey(long id) {
        return ByteBuffer.allocate(9).put(SESSION_PREFIX).putLong(id ^ Long.MIN_VALUE).array();
    }

    static byte[] encodeSession(KvSession session) {
        byte[] result = session.lastResult();
        return ByteBuffer.allocate(1 + 16 + result.length).put(SESSION_FORMAT).putLong(session.lastSequence())
                .putLong(session.lastActiveIndex()).put(result).array();
    }

    static KvSession decodeSession(byte[] key, byte[] stored) {
        if (key.length != 9 || key[0] != SESSION_PREFIX || stored.length < 17 || stored[0] != SESSION_FORMAT) {
            throw corrupt(key, "malformed session record of " + stored.length + " bytes");
        }
        long id = ByteBuffer.wrap(key, 1, 8).getLong() ^ Long.MIN_VALUE;
        ByteBuffer in = ByteBuffer.wrap(stored, 1, stored.length - 1);
        long lastSequence = in.getLong();
        long lastActiveIndex = in.getLong();
        if (id == 0 || lastSequence < 0 || lastActiveIndex < 1) {
            throw corrupt(key, "session " + id + " with sequence " + lastSequence + " at index " + lastActiveIndex);
        }
        return new KvSession(id, lastSequence, Arrays.copyOfRange(stored, 17, stored.length), lastActiveIndex);
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long decodeLong(byte[] key, byte[] stored) {
        if (stored.length != 8) {
            throw corrupt(key, stored.length + " bytes, expected 8");
        }
        return ByteBuffer.wrap(stored).getLong();
    }

    static byte[] encodeInt(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    static int decodeInt(byte[] key, byte[] stored) {
        if (stored.length != 4) {
            throw corrupt(key, stored.length + " bytes, expected 4");
        }
        return ByteBuffer.wrap(stored).getInt();
    }

    private static void putVarint(ByteBuffer out, long value) {
        long rest = value;
        while ((rest & ~0x7fL) != 0) {
            out.put((byte) ((rest & 0x7f) | 0x80));
            rest >>>= 7;
        }
        out.put((byte) rest);
    }

    private static long getVarint(ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IllegalStateException("varint longer than 10 bytes");
    }

    private static IllegalStateException corrupt(byte[] key, String problem) {
        return new IllegalStateException("corrupt RocksDB KV store: key " + Bytes.display(key) + ": " + problem);
    }
}
