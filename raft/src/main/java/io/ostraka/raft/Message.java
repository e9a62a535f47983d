package io.ostraka.raft;

import java.util.List;
import java.util.Objects;

/**
 * A message between two Raft nodes of one group. Immutable; build one with {@link #builder}.
 *
 * <p>Field meaning depends on {@link #type()} (see {@link MessageType}); unused fields are
 * zero, empty or null. {@code context} is an opaque 64-bit value: a read request id for
 * {@code READ_INDEX}, the read round for {@code HEARTBEAT}, and echoed back by responses.
 */
public final class Message {
    private final MessageType type;
    private final long groupId;
    private final long from;
    private final long to;
    private final long term;
    private final long logTerm;
    private final long index;
    private final List<Entry> entries;
    private final long commit;
    private final SnapshotMetadata snapshot;
    private final boolean reject;
    private final long rejectHint;
    private final long context;

    private Message(Builder b) {
        this.type = Objects.requireNonNull(b.type, "type");
        this.groupId = b.groupId;
        this.from = b.from;
        this.to = b.to;
        this.term = b.term;
        this.logTerm = b.logTerm;
        this.index = b.index;
        this.entries = List.copyOf(b.entries);
        this.commit = b.commit;
        this.snapshot = b.snapshot;
        this.reject = b.reject;
        this.rejectHint = b.rejectHint;
        this.context = b.context;
        Invariants.check(type != MessageType.SNAPSHOT || snapshot != null, "SNAPSHOT message without metadata");
    }

    public static Builder builder(MessageType type) {
        return new Builder(type);
    }

    /** A builder initialised with every field of this message. */
    public Builder toBuilder() {
        Builder b = new Builder(type).groupId(groupId).from(from).to(to).term(term).logTerm(logTerm)
                .index(index).entries(entries).commit(commit).reject(reject).rejectHint(rejectHint)
                .context(context);
        b.snapshot = snapshot;
        return b;
    }

    public MessageType type() { return type; }
    public long groupId() { return groupId; }
    public long from() { return from; }
    public long to() { return to; }
    public long term() { return term; }
    public long logTerm() { return logTerm; }
    public long index() { return index; }
    public List<Entry> entries() { return entries; }
    public long commit() { return commit; }
    public SnapshotMetadata snapshot() { return snapshot; }
    public boolean reject() { return reject; }
    public long rejectHint() { return rejectHint; }
    public long context() { return context; }

    /** Payload bytes of the entries carried, for flow control. */
    public long entriesBytes() {
        long total = 0;
        for (Entry e : entries) {
            total += e.sizeBytes();
        }
        return total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && type == m.type && groupId == m.groupId && from == m.from
                && to == m.to && term == m.term && logTerm == m.logTerm && index == m.index
                && commit == m.commit && reject == m.reject && rejectHint == m.rejectHint
                && context == m.context && entries.equals(m.entries) && Objects.equals(snapshot, m.snapshot);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, groupId, from, to, term, index, commit, context);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(from).append("->").append(to).append(' ').append(type).append(" term=").append(term);
        switch (type) {
            case APPEND -> s.append(" prev=").append(index).append('/').append(logTerm)
                    .append(" commit=").append(commit).append(" entries=").append(entries);
            case APPEND_RESPONSE -> {
                s.append(" index=").append(index);
                if (reject) {
                    s.append(" REJECT hint=").append(rejectHint).append('/').append(logTerm);
                }
            }
            case VOTE, PRE_VOTE -> s.append(" last=").append(index).append('/').append(logTerm);
            case VOTE_RESPONSE, PRE_VOTE_RESPONSE -> s.append(reject ? " REJECT" : " GRANT");
            case HEARTBEAT -> s.append(" commit=").append(commit).append(" round=").append(context);
            case HEARTBEAT_RESPONSE -> s.append(" round=").append(context);
            case SNAPSHOT -> s.append(" snapshot=").append(snapshot.index()).append('/').append(snapshot.term());
            case READ_INDEX, READ_INDEX_RESPONSE -> s.append(" ctx=").append(context).append(" index=").append(index);
            case TIMEOUT_NOW, TRANSFER_LEADER -> { }
        }
        return s.toString();
    }

    /** Mutable builder; every field defaults to zero/empty. */
    public static final class Builder {
        private final MessageType type;
        private long groupId;
        private long from;
        private long to;
        private long term;
        private long logTerm;
        private long index;
        private List<Entry> entries = List.of();
        private long commit;
        private SnapshotMetadata snapshot;
        private boolean reject;
        private long rejectHint;
        private long context;

        private Builder(MessageType type) {
            this.type = type;
        }

        public Builder groupId(long v) { groupId = v; return this; }
        public Builder from(long v) { from = v; return this; }
        public Builder to(long v) { to = v; return this; }
        public Builder term(long v) { term = v; return this; }
        public Builder logTerm(long v) { logTerm = v; return this; }
        public Builder index(long v) { index = v; return this; }
        public Builder entries(List<Entry> v) { entries = Objects.requireNonNull(v); return this; }
        public Builder commit(long v) { commit = v; return this; }
        public Builder snapshot(SnapshotMetadata v) { snapshot = Objects.requireNonNull(v); return this; }
        public Builder reject(boolean v) { reject = v; return this; }
        public Builder rejectHint(long v) { rejectHint = v; return this; }
        public Builder context(long v) { context = v; return this; }

        public Message build() {
            return new Message(this);
        }
    }
}
