package io.ostraka.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link KvCommand}: a {@link KvStatus}, a reason for failures, and the fields
 * the operation returns. Which fields are set, per operation (docs/kv.md has the full table):
 *
 * <ul>
 *   <li>get: {@code value} and version info (OK) or nothing (NOT_FOUND);
 *   <li>put / compare-and-set: version info of the new value; put with GET also the previous
 *       {@code value} (absent if there was none); on CONDITION_FAILED the current version info
 *       (version 0 when the key does not exist);
 *   <li>delete: {@code integer} = keys deleted; count: {@code integer} = keys counted;
 *   <li>increment: {@code integer} = the new value, and version info;
 *   <li>scan: {@code entries} and {@code more} (whether the limit cut the range short);
 *   <li>batch: {@code results}, one per operation executed; on failure the failing operation's
 *       status, its position in {@code failedOp} and the results up to and including it.
 * </ul>
 *
 * "Version info" is {@code version}, {@code createIndex}, {@code modIndex}; absent fields read 0,
 * {@code null} or empty, and {@link #hasVersionInfo()} etc. tell whether a field was set.
 */
public final class KvResult {
    /** The only encoding version so far. */
    public static final int FORMAT_VERSION = 1;

    private static final int HAS_REASON = 1;
    private static final int HAS_VALUE = 1 << 1;
    private static final int HAS_VERSION_INFO = 1 << 2;
    private static final int HAS_INTEGER = 1 << 3;
    private static final int HAS_ENTRIES = 1 << 4;
    private static final int HAS_RESULTS = 1 << 5;
    private static final int HAS_FAILED_OP = 1 << 6;
    private static final int FLAGS_ALL = (1 << 7) - 1;
    private static final int REASON_BYTES_MAX = 64 * 1024;

    private final KvStatus status;
    private final String reason;
    private final byte[] value;
    private final boolean hasVersionInfo;
    private final long version;
    private final long createIndex;
    private final long modIndex;
    private final boolean hasInteger;
    private final long integer;
    private final List<KvEntry> entries;
    private final boolean more;
    private final List<KvResult> results;
    private final int failedOp;

    private KvResult(Builder b) {
        this.status = Objects.requireNonNull(b.status, "status");
        this.reason = b.reason;
        this.value = b.value;
        this.hasVersionInfo = b.hasVersionInfo;
        this.version = b.version;
        this.createIndex = b.createIndex;
        this.modIndex = b.modIndex;
        this.hasInteger = b.hasInteger;
        this.integer = b.integer;
        this.entries = b.entries == null ? null : List.copyOf(b.entries);
        this.more = b.more;
        this.results = b.results == null ? null : List.copyOf(b.results);
        this.failedOp = b.failedOp;
    }

    // ---- Factories ---------------------------------------------------------------------------

    static Builder builder(KvStatus status) {
        return new Builder(status);
    }

    /** A failure with a human-readable reason. */
    public static KvResult failure(KvStatus status, String reason) {
        return builder(status).reason(reason).build();
    }

    public static KvResult invalidRequest(String reason) {
        return failure(KvStatus.INVALID_REQUEST, reason);
    }

    // ---- Accessors ---------------------------------------------------------------------------

    public KvStatus status() {
        return status;
    }

    public boolean isOk() {
        return status == KvStatus.OK;
    }

    /** Why the operation failed; {@code null} when OK or NOT_FOUND. */
    public String reason() {
        return reason;
    }

    /** The value read, or the previous value of a put with GET; {@code null} if none. */
    public byte[] value() {
        return value;
    }

    public boolean hasVersionInfo() {
        return hasVersionInfo;
    }

    public long version() {
        return version;
    }

    public long createIndex() {
        return createIndex;
    }

    public long modIndex() {
        return modIndex;
    }

    public boolean hasInteger() {
        return hasInteger;
    }

    /** Keys deleted, keys counted, or the new value of an increment. */
    public long integer() {
        return integer;
    }

    /** Scan entries in key order; empty if this is not a scan result. */
    public List<KvEntry> entries() {
        return entries == null ? List.of() : entries;
    }

    /** Whether a scan stopped at its limit with more keys left in the range. */
    public boolean more() {
        return more;
    }

    /** Per-operation results of a batch; empty if this is not a batch result. */
    public List<KvResult> results() {
        return results == null ? List.of() : results;
    }

    /** The position of the operation that aborted a batch, or -1. */
    public int failedOp() {
        return failedOp;
    }

    // ---- Encoding ----------------------------------------------------------------------------

    /**
     * Encoding, format version 1: {@code u8 formatVersion}, then the body: {@code u8 status},
     * {@code u8 flags}, then each present field in flag order — reason (bytes, UTF-8), value
     * (bytes), version info (3 varints), integer (zigzag), entries (varint n, n x [bytes key,
     * bytes value, 3 varints], u8 more), results (varint n, n x body), failedOp (varint).
     */
    public byte[] encode() {
        WireWriter out = new WireWriter(32);
        out.u8(FORMAT_VERSION);
        encodeBody(this, out);
        return out.toByteArray();
    }

    private static void encodeBody(KvResult r, WireWriter out) {
        int flags = (r.reason != null ? HAS_REASON : 0) | (r.value != null ? HAS_VALUE : 0)
                | (r.hasVersionInfo ? HAS_VERSION_INFO : 0) | (r.hasInteger ? HAS_INTEGER : 0)
                | (r.entries != null ? HAS_ENTRIES : 0) | (r.results != null ? HAS_RESULTS : 0)
                | (r.failedOp >= 0 ? HAS_FAILED_OP : 0);
        out.u8(r.status.code()).u8(flags);
        if (r.reason != null) {
            out.string(r.reason);
        }
        if (r.value != null) {
            out.bytes(r.value);
        }
        if (r.hasVersionInfo) {
            out.varint(r.version).varint(r.createIndex).varint(r.modIndex);
        }
        if (r.hasInteger) {
            out.zigzag(r.integer);
        }
        if (r.entries != null) {
            out.varint(r.entries.size());
            for (KvEntry entry : r.entries) {
                VersionedValue v = entry.value();
                out.bytes(entry.key()).bytes(v.value()).varint(v.version()).varint(v.createIndex())
                        .varint(v.modIndex());
            }
            out.u8(r.more ? 1 : 0);
        }
        if (r.results != null) {
            out.varint(r.results.size());
            for (KvResult inner : r.results) {
                encodeBody(inner, out);
            }
        }
        if (r.failedOp >= 0) {
            out.varint(r.failedOp);
        }
    }

    /**
     * Parses a result written by {@link #encode()}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a valid result encoding
     */
    public static KvResult decode(byte[] bytes) {
        WireReader in = new WireReader(Objects.requireNonNull(bytes, "bytes"));
        try {
            int version = in.u8("format version");
            if (version != FORMAT_VERSION) {
                throw new WireReader.MalformedException("unsupported result format version " + version);
            }
            KvResult result = decodeBody(in, 0);
            in.expectEnd("result");
            return result;
        } catch (WireReader.MalformedException e) {
            throw new IllegalArgumentException("malformed result: " + e.getMessage());
        }
    }

    private static KvResult decodeBody(WireReader in, int depth) throws WireReader.MalformedException {
        int code = in.u8("status");
        KvStatus status = KvStatus.fromCode(code);
        if (status == null) {
            throw new WireReader.MalformedException("unknown status code " + code);
        }
        int flags = in.u8("flags");
        if ((flags & ~FLAGS_ALL) != 0) {
            throw new WireReader.MalformedException("unknown result flags 0x" + Integer.toHexString(flags));
        }
        Builder b = builder(status);
        if ((flags & HAS_REASON) != 0) {
            b.reason(in.string("reason", REASON_BYTES_MAX));
        }
        if ((flags & HAS_VALUE) != 0) {
            b.value(in.bytes("value", KvLimits.VALUE_BYTES_MAX));
        }
        if ((flags & HAS_VERSION_INFO) != 0) {
            b.versionInfo(in.varint("version", 0, Long.MAX_VALUE), in.varint("create index", 0, Long.MAX_VALUE),
                    in.varint("mod index", 0, Long.MAX_VALUE));
        }
        if ((flags & HAS_INTEGER) != 0) {
            b.integer(in.zigzag("integer"));
        }
        if ((flags & HAS_ENTRIES) != 0) {
            int count = (int) in.varint("entry count", 0, KvLimits.SCAN_LIMIT_MAX);
            List<KvEntry> entries = new ArrayList<>(Math.min(count, in.remaining()));
            for (int i = 0; i < count; i++) {
                byte[] key = in.bytes("entry key", KvLimits.KEY_BYTES_MAX);
                byte[] value = in.bytes("entry value", KvLimits.VALUE_BYTES_MAX);
                long version = in.varint("entry version", 1, Long.MAX_VALUE);
                long createIndex = in.varint("entry create index", 1, Long.MAX_VALUE);
                long modIndex = in.varint("entry mod index", createIndex, Long.MAX_VALUE);
                entries.add(new KvEntry(key, new VersionedValue(value, version, createIndex, modIndex)));
            }
            b.entries(entries, in.bool("more"));
        }
        if ((flags & HAS_RESULTS) != 0) {
            if (depth > 0) {
                throw new WireReader.MalformedException("nested batch results");
            }
            int count = (int) in.varint("result count", 0, KvLimits.BATCH_OPS_MAX);
            List<KvResult> results = new ArrayList<>(Math.min(count, in.remaining()));
            for (int i = 0; i < count; i++) {
                results.add(decodeBody(in, depth + 1));
            }
            b.results(results);
        }
        if ((flags & HAS_FAILED_OP) != 0) {
            b.failedOp((int) in.varint("failed op", 0, KvLimits.BATCH_OPS_MAX - 1));
        }
        return b.build();
    }

    // ---- Object ------------------------------------------------------------------------------

    @Override
    public boolean equals(Object o) {
        return o instanceof KvResult r && status == r.status && Objects.equals(reason, r.reason)
                && Arrays.equals(value, r.value) && hasVersionInfo == r.hasVersionInfo
                && version == r.version && createIndex == r.createIndex && modIndex == r.modIndex
                && hasInteger == r.hasInteger && integer == r.integer
                && Objects.equals(entries, r.entries) && more == r.more
                && Objects.equals(results, r.results) && failedOp == r.failedOp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, Arrays.hashCode(value), version, createIndex, modIndex, integer,
                entries, results, failedOp);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("KvResult[").append(status);
        if (reason != null) {
            s.append(" \"").append(reason).append('"');
        }
        if (value != null) {
            s.append(" value=").append(Bytes.display(value));
        }
        if (hasVersionInfo) {
            s.append(" version=").append(version).append(" createIndex=").append(createIndex)
                    .append(" modIndex=").append(modIndex);
        }
        if (hasInteger) {
            s.append(" integer=").append(integer);
        }
        if (entries != null) {
            s.append(" entries=").append(entries).append(" more=").append(more);
        }
        if (results != null) {
            s.append(" results=").append(results);
        }
        if (failedOp >= 0) {
            s.append(" failedOp=").append(failedOp);
        }
        return s.append(']').toString();
    }

    /** Assembles a result; package-private so only the state machine makes them. */
    static final class Builder {
        private final KvStatus status;
        private String reason;
        private byte[] value;
        private boolean hasVersionInfo;
        private long version;
        private long createIndex;
        private long modIndex;
        private boolean hasInteger;
        private long integer;
        private List<KvEntry> entries;
        private boolean more;
        private List<KvResult> results;
        private int failedOp = -1;

        private Builder(KvStatus status) {
            this.status = status;
        }

        Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        Builder value(byte[] value) {
            this.value = value;
            return this;
        }

        Builder versionInfo(long version, long createIndex, long modIndex) {
            this.hasVersionInfo = true;
            this.version = version;
            this.createIndex = createIndex;
            this.modIndex = modIndex;
            return this;
        }

        /** Version info of {@code current}, or all zero when the key does not exist. */
        Builder versionInfoOf(VersionedValue current) {
            return current == null ? versionInfo(0, 0, 0)
                    : versionInfo(current.version(), current.createIndex(), current.modIndex());
        }

        Builder integer(long integer) {
            this.hasInteger = true;
            this.integer = integer;
            return this;
        }

        Builder entries(List<KvEntry> entries, boolean more) {
            this.entries = entries;
            this.more = more;
            return this;
        }

        Builder results(List<KvResult> results) {
            this.results = results;
            return this;
        }

        Builder failedOp(int failedOp) {
            this.failedOp = failedOp;
            return this;
        }

        KvResult build() {
            return new KvResult(this);
        }
    }
}
