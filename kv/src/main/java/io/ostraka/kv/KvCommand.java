package io.ostraka.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A command proposed to the KV state machine: an operation and, for exactly-once writes, the
 * client session it belongs to. {@link #encode()} gives the bytes to propose; {@link #decode}
 * parses them strictly and reports a malformed input as a value, never as an exception.
 *
 * <p>Encoding, format version 2 (all integers unsigned LEB128 varints in shortest form, signed
 * ones zigzag-mapped first; {@code bytes} is a varint length and the bytes):
 * <pre>
 *   u8 formatVersion (= 2; 1 is still decoded, see below)
 *   varint sessionId               0 = no session
 *   varint sequence                only when sessionId != 0; >= 1
 *   op
 * op:
 *   u8 opCode, then by code:
 *   0x01 PUT      u8 flags (bit0 NX, bit1 XX, bit2 GET; others 0), bytes key, bytes value
 *   0x02 GET      bytes key
 *   0x03 DELETE   varint n (1..1024), n x bytes key
 *   0x04 CAS      bytes key, varint expectedVersion, bytes value
 *   0x05 INCR     bytes key, zigzag delta
 *   0x06 SCAN     bytes start, u8 hasEnd, [bytes end], varint limit (1..10000)
 *   0x07 COUNT    bytes start, u8 hasEnd, [bytes end]
 *   0x08 BATCH    varint n (1..1024), n x op   (PUT, GET, DELETE, CAS, INCR only)
 *   0x09 EXPIRE   reserved for TTL keys
 *   0x0A WATCH    reserved for watches
 *   0x0B OPEN_SESSION  (nothing; only with sessionId 0)
 * </pre>
 * Nothing may follow the op. See docs/kv.md for the semantics.
 *
 * <p>Versions 1 and 2 have the same layout and differ in one rule only: in version 1 a command at
 * sequence 1 of an unknown session opened that session, in version 2 only OPEN_SESSION opens
 * one. Log entries written in version 1 keep their meaning when replayed, so the decoder reports
 * the version ({@link Decoded#version()}) and the encoder always writes version 2.
 */
public record KvCommand(long sessionId, long sequence, KvOp op) {
    /** The encoding version written; a decoder also accepts {@link #LEGACY_FORMAT_VERSION}, and nothing else. */
    public static final int FORMAT_VERSION = 2;
    /** The version in which sequence 1 of an unknown session opened it. */
    public static final int LEGACY_FORMAT_VERSION = 1;

    private static final int PUT_NX = 1;
    private static final int PUT_XX = 2;
    private static final int PUT_GET = 4;

    public KvCommand {
        Objects.requireNonNull(op, "op");
        if (sessionId == 0) {
            if (sequence != 0) {
                throw new IllegalArgumentException("sequence " + sequence + " without a session");
            }
        } else {
            if (sequence < 1) {
                throw new IllegalArgumentException("session " + sessionId + " with sequence " + sequence + " < 1");
            }
            if (op instanceof KvOp.OpenSession) {
                throw new IllegalArgumentException("OPEN_SESSION cannot belong to session " + sessionId);
            }
        }
    }

    /** A command outside any session (applied every time it is committed). */
    public static KvCommand of(KvOp op) {
        return new KvCommand(0, 0, op);
    }

    /** This command as request {@code sequence} of client session {@code sessionId} (non-zero). */
    public KvCommand withSession(long sessionId, long sequence) {
        KvLimits.require(sessionId != 0, "session id 0 means no session");
        return new KvCommand(sessionId, sequence, op);
    }

    public boolean hasSession() {
        return sessionId != 0;
    }

    // ---- Builders ----------------------------------------------------------------------------

    /** Opens an exactly-once session; the result's integer is its id (docs/kv.md). */
    public static KvCommand openSession() {
        return of(new KvOp.OpenSession());
    }

    public static KvCommand put(byte[] key, byte[] value) {
        return of(new KvOp.Put(key, value, KvOp.PutCondition.ALWAYS, false));
    }

    /** SET key value NX. */
    public static KvCommand putIfAbsent(byte[] key, byte[] value) {
        return of(new KvOp.Put(key, value, KvOp.PutCondition.IF_ABSENT, false));
    }

    /** SET key value XX. */
    public static KvCommand putIfPresent(byte[] key, byte[] value) {
        return of(new KvOp.Put(key, value, KvOp.PutCondition.IF_PRESENT, false));
    }

    /** SET with every option: condition, and GET (return the previous value). */
    public static KvCommand put(byte[] key, byte[] value, KvOp.PutCondition condition, boolean returnPrevious) {
        return of(new KvOp.Put(key, value, condition, returnPrevious));
    }

    public static KvCommand get(byte[] key) {
        return of(new KvOp.Get(key));
    }

    public static KvCommand delete(byte[]... keys) {
        return of(new KvOp.Delete(Arrays.asList(keys)));
    }

    public static KvCommand compareAndSet(byte[] key, long expectedVersion, byte[] value) {
        return of(new KvOp.CompareAndSet(key, expectedVersion, value));
    }

    public static KvCommand increment(byte[] key) {
        return of(new KvOp.Increment(key, 1));
    }

    public static KvCommand incrementBy(byte[] key, long delta) {
        return of(new KvOp.Increment(key, delta));
    }

    /** {@code end == null}: to the end of the key space. */
    public static KvCommand scan(byte[] start, byte[] end, int limit) {
        return of(new KvOp.Scan(start, end, limit));
    }

    /** {@code end == null}: to the end of the key space. */
    public static KvCommand count(byte[] start, byte[] end) {
        return of(new KvOp.Count(start, end));
    }

    /** All-or-nothing batch of point operations. */
    public static KvCommand batch(KvOp... ops) {
        return of(new KvOp.Batch(Arrays.asList(ops)));
    }

    // ---- Encoding ----------------------------------------------------------------------------

    public byte[] encode() {
        WireWriter out = new WireWriter(64);
        out.u8(FORMAT_VERSION).varint(sessionId);
        if (sessionId != 0) {
            out.varint(sequence);
        }
        encodeOp(op, out);
        return out.toByteArray();
    }

    private static void encodeOp(KvOp op, WireWriter out) {
        out.u8(op.code().code());
        if (op instanceof KvOp.Put put) {
            int flags = (put.condition() == KvOp.PutCondition.IF_ABSENT ? PUT_NX : 0)
                    | (put.condition() == KvOp.PutCondition.IF_PRESENT ? PUT_XX : 0)
                    | (put.returnPrevious() ? PUT_GET : 0);
            out.u8(flags).bytes(put.key()).bytes(put.value());
        } else if (op instanceof KvOp.Get get) {
            out.bytes(get.key());
        } else if (op instanceof KvOp.Delete delete) {
            out.varint(delete.keys().size());
            for (byte[] key : delete.keys()) {
                out.bytes(key);
            }
        } else if (op instanceof KvOp.CompareAndSet cas) {
            out.bytes(cas.key()).varint(cas.expectedVersion()).bytes(cas.value());
        } else if (op instanceof KvOp.Increment increment) {
            out.bytes(increment.key()).zigzag(increment.delta());
        } else if (op instanceof KvOp.Scan scan) {
            encodeRange(scan.start(), scan.end(), out);
            out.varint(scan.limit());
        } else if (op instanceof KvOp.Count count) {
            encodeRange(count.start(), count.end(), out);
        } else if (op instanceof KvOp.Batch batch) {
            out.varint(batch.ops().size());
            for (KvOp inner : batch.ops()) {
                encodeOp(inner, out);
            }
        } else if (op instanceof KvOp.OpenSession) {
            // The op code says it all.
        } else {
            throw new IllegalStateException("no encoding for " + op);
        }
    }

    private static void encodeRange(byte[] start, byte[] end, WireWriter out) {
        out.bytes(start).u8(end == null ? 0 : 1);
        if (end != null) {
            out.bytes(end);
        }
    }

    // ---- Decoding ----------------------------------------------------------------------------

    /**
     * Parses {@code bytes}; never throws. A malformed, truncated, over-limit or reserved command
     * gives a {@link Decoded} with {@link Decoded#error()} set.
     */
    public static Decoded decode(byte[] bytes) {
        if (bytes == null) {
            return Decoded.failure("command is null");
        }
        WireReader in = new WireReader(bytes);
        try {
            int version = in.u8("format version");
            if (version != FORMAT_VERSION && version != LEGACY_FORMAT_VERSION) {
                throw new WireReader.MalformedException("unsupported command format version " + version);
            }
            long sessionId = in.varint("session id");
            long sequence = sessionId == 0 ? 0 : in.varint("sequence", 1, Long.MAX_VALUE);
            KvOp op = decodeOp(in, false);
            in.expectEnd("command");
            if (sessionId != 0 && op instanceof KvOp.OpenSession) {
                throw new WireReader.MalformedException("OPEN_SESSION cannot belong to session " + sessionId);
            }
            if (version == LEGACY_FORMAT_VERSION && op instanceof KvOp.OpenSession) {
                // Version 1 never had it: such an entry was refused then, and must replay so.
                throw new WireReader.MalformedException("OPEN_SESSION needs command format version " + FORMAT_VERSION);
            }
            return Decoded.success(new KvCommand(sessionId, sequence, op), version);
        } catch (WireReader.MalformedException e) {
            return Decoded.failure("malformed command: " + e.getMessage());
        }
    }

    private static KvOp decodeOp(WireReader in, boolean insideBatch) throws WireReader.MalformedException {
        int code = in.u8("op code");
        OpCode opCode = OpCode.fromCode(code);
        if (opCode == null) {
            throw new WireReader.MalformedException("unknown op code 0x" + Integer.toHexString(code));
        }
        if (opCode.isReserved()) {
            throw new WireReader.MalformedException("op code 0x" + Integer.toHexString(code) + " (" + opCode
                    + ") is reserved and not supported yet");
        }
        if (insideBatch && !KvOp.Batch.isAllowedInBatch(opCode)) {
            throw new WireReader.MalformedException(opCode + " is not allowed inside a batch");
        }
        switch (opCode) {
            case PUT:
                return decodePut(in);
            case GET:
                return new KvOp.Get(in.bytes("key", KvLimits.KEY_BYTES_MAX));
            case DELETE: {
                int count = (int) in.varint("delete key count", 1, KvLimits.DELETE_KEYS_MAX);
                List<byte[]> keys = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    keys.add(in.bytes("key", KvLimits.KEY_BYTES_MAX));
                }
                return new KvOp.Delete(keys);
            }
            case COMPARE_AND_SET: {
                byte[] key = in.bytes("key", KvLimits.KEY_BYTES_MAX);
                long expectedVersion = in.varint("expected version", 0, Long.MAX_VALUE);
                byte[] value = in.bytes("value", KvLimits.VALUE_BYTES_MAX);
                return new KvOp.CompareAndSet(key, expectedVersion, value);
            }
            case INCREMENT: {
                byte[] key = in.bytes("key", KvLimits.KEY_BYTES_MAX);
                return new KvOp.Increment(key, in.zigzag("delta"));
            }
            case SCAN: {
                byte[] start = in.bytes("start", KvLimits.RANGE_BOUND_BYTES_MAX);
                byte[] end = in.bool("has end") ? in.bytes("end", KvLimits.RANGE_BOUND_BYTES_MAX) : null;
                int limit = (int) in.varint("scan limit", 1, KvLimits.SCAN_LIMIT_MAX);
                return new KvOp.Scan(start, end, limit);
            }
            case COUNT: {
                byte[] start = in.bytes("start", KvLimits.RANGE_BOUND_BYTES_MAX);
                byte[] end = in.bool("has end") ? in.bytes("end", KvLimits.RANGE_BOUND_BYTES_MAX) : null;
                return new KvOp.Count(start, end);
            }
            case OPEN_SESSION:
                return new KvOp.OpenSession();
            case BATCH:
                if (insideBatch) {
                    throw new WireReader.MalformedException("BATCH is not allowed inside a batch");
                }
                return decodeBatch(in);
            default:
                throw new WireReader.MalformedException("op code " + opCode + " has no decoder");
        }
    }

    private static KvOp decodePut(WireReader in) throws WireReader.MalformedException {
        int flags = in.u8("put flags");
        if ((flags & ~(PUT_NX | PUT_XX | PUT_GET)) != 0) {
            throw new WireReader.MalformedException("unknown put flags 0x" + Integer.toHexString(flags));
        }
        if ((flags & PUT_NX) != 0 && (flags & PUT_XX) != 0) {
            throw new WireReader.MalformedException("put with both NX and XX");
        }
        KvOp.PutCondition condition = (flags & PUT_NX) != 0 ? KvOp.PutCondition.IF_ABSENT
                : (flags & PUT_XX) != 0 ? KvOp.PutCondition.IF_PRESENT : KvOp.PutCondition.ALWAYS;
        byte[] key = in.bytes("key", KvLimits.KEY_BYTES_MAX);
        byte[] value = in.bytes("value", KvLimits.VALUE_BYTES_MAX);
        return new KvOp.Put(key, value, condition, (flags & PUT_GET) != 0);
    }

    private static KvOp decodeBatch(WireReader in) throws WireReader.MalformedException {
        int count = (int) in.varint("batch op count", 1, KvLimits.BATCH_OPS_MAX);
        // Never trust a count for an allocation: each op takes at least one byte.
        List<KvOp> ops = new ArrayList<>(Math.min(count, in.remaining()));
        for (int i = 0; i < count; i++) {
            ops.add(decodeOp(in, true));
        }
        return new KvOp.Batch(ops);
    }

    /**
     * The outcome of {@link #decode}: exactly one of {@code command} and {@code error} is set;
     * {@code version} is the command's format version (0 when it could not be read).
     */
    public record Decoded(KvCommand command, String error, int version) {
        static Decoded success(KvCommand command, int version) {
            return new Decoded(command, null, version);
        }

        static Decoded failure(String error) {
            return new Decoded(null, error, 0);
        }

        public boolean isOk() {
            return command != null;
        }
    }
}
