package io.ostraka.transport;

import com.google.protobuf.ByteString;
import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.Invariants;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import io.ostraka.transport.proto.RaftMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts between {@link Message} and its wire form {@link RaftMessage}, field for field.
 *
 * <p>Encoding cannot fail. Decoding is strict, because the bytes come from another process: an
 * unspecified or unknown enum value, a SNAPSHOT without metadata, metadata without a
 * configuration, or a value the Raft records refuse (a negative index, a node that is both
 * learner and voter) is a {@link CodecException} naming the field — never a crash of the
 * receiving process and never a silently defaulted field.
 */
public final class Codec {
    private Codec() {
    }

    public static RaftMessage encode(Message m) {
        RaftMessage.Builder b = RaftMessage.newBuilder()
                .setType(encodeType(m.type()))
                .setGroupId(m.groupId())
                .setFrom(m.from())
                .setTo(m.to())
                .setTerm(m.term())
                .setLogTerm(m.logTerm())
                .setIndex(m.index())
                .setCommit(m.commit())
                .setReject(m.reject())
                .setRejectHint(m.rejectHint())
                .setContext(m.context());
        for (Entry e : m.entries()) {
            b.addEntries(io.ostraka.transport.proto.Entry.newBuilder()
                    .setTerm(e.term())
                    .setIndex(e.index())
                    .setType(e.type() == EntryType.NORMAL
                            ? io.ostraka.transport.proto.EntryType.NORMAL
                            : io.ostraka.transport.proto.EntryType.CONF_CHANGE)
                    .setData(ByteString.copyFrom(e.data())));
        }
        if (m.snapshot() != null) {
            b.setSnapshot(encodeSnapshot(m.snapshot()));
        }
        return b.build();
    }

    public static io.ostraka.transport.proto.SnapshotMetadata encodeSnapshot(SnapshotMetadata s) {
        ConfState c = s.conf();
        return io.ostraka.transport.proto.SnapshotMetadata.newBuilder()
                .setIndex(s.index())
                .setTerm(s.term())
                .setConf(io.ostraka.transport.proto.ConfState.newBuilder()
                        .addAllVoters(c.voters())
                        .addAllLearners(c.learners())
                        .addAllVotersOutgoing(c.votersOutgoing())
                        .addAllLearnersNext(c.learnersNext())
                        .setAutoLeave(c.autoLeave()))
                .build();
    }

    public static Message decode(RaftMessage p) throws CodecException {
        MessageType type = decodeType(p);
        try {
            Message.Builder b = Message.builder(type)
                    .groupId(nonNegative(p.getGroupId(), "group_id"))
                    .from(nonNegative(p.getFrom(), "from"))
                    .to(nonNegative(p.getTo(), "to"))
                    .term(nonNegative(p.getTerm(), "term"))
                    .logTerm(nonNegative(p.getLogTerm(), "log_term"))
                    .index(nonNegative(p.getIndex(), "index"))
                    .commit(nonNegative(p.getCommit(), "commit"))
                    .reject(p.getReject())
                    .rejectHint(nonNegative(p.getRejectHint(), "reject_hint"))
                    .context(p.getContext());
            if (p.getEntriesCount() > 0) {
                List<Entry> entries = new ArrayList<>(p.getEntriesCount());
                for (io.ostraka.transport.proto.Entry e : p.getEntriesList()) {
                    entries.add(decodeEntry(e));
                }
                b.entries(entries);
            }
            if (p.hasSnapshot()) {
                b.snapshot(decodeSnapshot(p.getSnapshot()));
            } else if (type == MessageType.SNAPSHOT) {
                throw new CodecException("SNAPSHOT message without snapshot metadata");
            }
            return b.build();
        } catch (Invariants.InvariantViolation | IllegalArgumentException | NullPointerException e) {
            throw new CodecException("invalid " + type + " message: " + e.getMessage(), e);
        }
    }

    public static SnapshotMetadata decodeSnapshot(io.ostraka.transport.proto.SnapshotMetadata s)
            throws CodecException {
        if (!s.hasConf()) {
            throw new CodecException("snapshot metadata without conf");
        }
        io.ostraka.transport.proto.ConfState c = s.getConf();
        try {
            ConfState conf = new ConfState(ids(c.getVotersList(), "voters"), ids(c.getLearnersList(), "learners"),
                    ids(c.getVotersOutgoingList(), "voters_outgoing"), ids(c.getLearnersNextList(), "learners_next"),
                    c.getAutoLeave());
            return new SnapshotMetadata(nonNegative(s.getIndex(), "snapshot.index"),
                    nonNegative(s.getTerm(), "snapshot.term"), conf);
        } catch (Invariants.InvariantViolation | IllegalArgumentException e) {
            throw new CodecException("invalid snapshot metadata: " + e.getMessage(), e);
        }
    }

    private static Entry decodeEntry(io.ostraka.transport.proto.Entry e) throws CodecException {
        EntryType type = switch (e.getType()) {
            case NORMAL -> EntryType.NORMAL;
            case CONF_CHANGE -> EntryType.CONF_CHANGE;
            case ENTRY_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new CodecException(
                    "entry " + e.getIndex() + " has unknown type " + e.getTypeValue());
        };
        return new Entry(nonNegative(e.getTerm(), "entry.term"), nonNegative(e.getIndex(), "entry.index"),
                type, e.getData().toByteArray());
    }

    private static Set<Long> ids(List<Long> ids, String field) throws CodecException {
        Set<Long> out = new TreeSet<>();
        for (long id : ids) {
            if (id <= 0) {
                throw new CodecException("conf." + field + " holds node id " + Long.toUnsignedString(id));
            }
            out.add(id);
        }
        return out;
    }

    /** uint64 on the wire; values above Long.MAX_VALUE arrive negative and are refused. */
    private static long nonNegative(long value, String field) throws CodecException {
        if (value < 0) {
            throw new CodecException(field + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }

    static io.ostraka.transport.proto.MessageType encodeType(MessageType t) {
        return switch (t) {
            case PRE_VOTE -> io.ostraka.transport.proto.MessageType.PRE_VOTE;
            case PRE_VOTE_RESPONSE -> io.ostraka.transport.proto.MessageType.PRE_VOTE_RESPONSE;
            case VOTE -> io.ostraka.transport.proto.MessageType.VOTE;
            case VOTE_RESPONSE -> io.ostraka.transport.proto.MessageType.VOTE_RESPONSE;
            case APPEND -> io.ostraka.transport.proto.MessageType.APPEND;
            case APPEND_RESPONSE -> io.ostraka.transport.proto.MessageType.APPEND_RESPONSE;
            case HEARTBEAT -> io.ostraka.transport.proto.MessageType.HEARTBEAT;
            case HEARTBEAT_RESPONSE -> io.ostraka.transport.proto.MessageType.HEARTBEAT_RESPONSE;
            case SNAPSHOT -> io.ostraka.transport.proto.MessageType.SNAPSHOT;
            case TIMEOUT_NOW -> io.ostraka.transport.proto.MessageType.TIMEOUT_NOW;
            case READ_INDEX -> io.ostraka.transport.proto.MessageType.READ_INDEX;
            case READ_INDEX_RESPONSE -> io.ostraka.transport.proto.MessageType.READ_INDEX_RESPONSE;
            case TRANSFER_LEADER -> io.ostraka.transport.proto.MessageType.TRANSFER_LEADER;
        };
    }

    private static MessageType decodeType(RaftMessage p) throws CodecException {
        return switch (p.getType()) {
            case PRE_VOTE -> MessageType.PRE_VOTE;
            case PRE_VOTE_RESPONSE -> MessageType.PRE_VOTE_RESPONSE;
            case VOTE -> MessageType.VOTE;
            case VOTE_RESPONSE -> MessageType.VOTE_RESPONSE;
            case APPEND -> MessageType.APPEND;
            case APPEND_RESPONSE -> MessageType.APPEND_RESPONSE;
            case HEARTBEAT -> MessageType.HEARTBEAT;
            case HEARTBEAT_RESPONSE -> MessageType.HEARTBEAT_RESPONSE;
            case SNAPSHOT -> MessageType.SNAPSHOT;
            case TIMEOUT_NOW -> MessageType.TIMEOUT_NOW;
            case READ_INDEX -> MessageType.READ_INDEX;
            case READ_INDEX_RESPONSE -> MessageType.READ_INDEX_RESPONSE;
            case TRANSFER_LEADER -> MessageType.TRANSFER_LEADER;
            case MESSAGE_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new CodecException(
                    "message has unknown type " + p.getTypeValue());
        };
    }
}
