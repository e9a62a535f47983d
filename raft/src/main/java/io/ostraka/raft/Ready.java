package io.ostraka.raft;

import java.util.List;

/**
 * Everything the runtime must do for a core, in this order:
 * <ol>
 *   <li>Persist {@link #snapshot()} (if any) into the log store, then {@link #entries()}
 *       (discarding any stored suffix they replace), then {@link #hardState()}; make them durable
 *       (fsync) when {@link #mustSync()}.</li>
 *   <li>Send {@link #messages()}. They may depend on what step 1 persisted (a vote, an
 *       acknowledged append), so never before it is durable — except those for which
 *       {@link #mayLeaveEarly(Message)} holds, which may be sent at once, while step 1 runs.</li>
 *   <li>Install the snapshot into the state machine, then apply {@link #committedEntries()} in
 *       order; serve {@link #readStates()} once the state machine has applied their index.</li>
 *   <li>Call {@link RaftCore#advance(Ready)}.</li>
 * </ol>
 *
 * @param role         the role after this Ready, or null if unchanged
 * @param leader       the known leader after this Ready (0 none), meaningful when role is not null
 * @param hardState    the hard state to persist, or null if unchanged
 * @param snapshot     a snapshot from the leader to install, or null
 * @param leaderEarly  whether this Ready's leader messages may leave before it is persisted
 */
public record Ready(
        Role role,
        long leader,
        HardState hardState,
        List<Entry> entries,
        SnapshotMetadata snapshot,
        List<Message> messages,
        List<Entry> committedEntries,
        List<ReadState> readStates,
        List<RaftEvent> events,
        boolean mustSync,
        boolean leaderEarly) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        events = List.copyOf(events);
    }

    /**
     * Whether {@code m}, one of {@link #messages()}, may be sent before this Ready is durable:
     * a leader's appends, heartbeats and snapshots acknowledge nothing, so the leader writes its
     * log in parallel with replicating it (Raft thesis §10.2.1). The leader counts its own
     * entries towards commitment only once they are durable ({@link RaftCore#advance}), so an
     * entry commits only when a majority holds it on disk. Never when this Ready changes the
     * term or vote: messages must not carry a term that a crash could forget.
     */
    public boolean mayLeaveEarly(Message m) {
        return leaderEarly && (m.type() == MessageType.APPEND || m.type() == MessageType.HEARTBEAT
                || m.type() == MessageType.SNAPSHOT);
    }

    /** The messages that may leave before this Ready is durable ({@link #mayLeaveEarly}). */
    public List<Message> earlyMessages() {
        return leaderEarly ? messages.stream().filter(this::mayLeaveEarly).toList() : List.of();
    }

    /** The messages that must wait until this Ready is durable: all but {@link #earlyMessages()}. */
    public List<Message> lateMessages() {
        return leaderEarly ? messages.stream().filter(m -> !mayLeaveEarly(m)).toList() : messages;
    }
}
