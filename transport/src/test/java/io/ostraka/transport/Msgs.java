package io.ostraka.transport;

import io.ostraka.raft.ConfState;
import io.ostraka.raft.Entry;
import io.ostraka.raft.EntryType;
import io.ostraka.raft.Message;
import io.ostraka.raft.MessageType;
import io.ostraka.raft.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** Message fixtures. */
final class Msgs {
    private Msgs() {
    }

    /** An APPEND numbered {@code seq} (in index) from {@code from} to {@code to} in {@code group}. */
    static Message append(long group, long from, long to, long seq) {
        return Message.builder(MessageType.APPEND).groupId(group).from(from).to(to).term(3).logTerm(2)
                .index(seq).commit(seq)
                .entries(List.of(Entry.normal(3, seq + 1, ("g" + group + "#" + seq).getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    static ConfState joint() {
        return new ConfState(Set.of(1L, 2L, 4L), Set.of(5L), Set.of(1L, 2L, 3L), Set.of(3L), true);
    }

    /** One message of every type, with the fields that type uses (and some it does not). */
    static Message ofType(MessageType type, long group) {
        Message.Builder b = Message.builder(type).groupId(group).from(1).to(2).term(7).logTerm(6).index(41)
                .commit(40).reject(type.isResponse()).rejectHint(type.isResponse() ? 39 : 0).context(-1234567890123L);
        if (type == MessageType.APPEND) {
            b.entries(List.of(Entry.normal(7, 42, new byte[] {1, 2, 3}), Entry.normal(7, 43, new byte[0]),
                    new Entry(7, 44, EntryType.CONF_CHANGE, new byte[] {9, 8})));
        }
        if (type == MessageType.SNAPSHOT) {
            b.snapshot(new SnapshotMetadata(100, 6, joint()));
        }
        return b.build();
    }
}
