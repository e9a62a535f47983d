package io.ostraka.raft;

import java.util.List;

/**
 * Everything the runtime must do for a core, in this order:
 * <ol>
 *   <li>Persist {@link #snapshot()} (if any) into the log store, then {@link #entries()}
 *       (discarding any stored suffix they replace), then {@link #hardState()}; make them durable
 *       (fsync) when {@link #mustSync()}.</li>
 *   <li>Send {@link #messages()}. They may depend on what step 1 persisted (a vote, an
 *       acknowledged append), so never before it is durable.</li>
 *   <li>Install the snapshot into the state machine, then apply {@link #committedEntries()} in
 *       order; serve {@link #readStates()} once the state machine has applied their index.</li>
 *   <li>Call {@link RaftCore#advance(Ready)}.</li>
 * </ol>
 *
 * @param role         the role after this Ready, or null if unchanged
 * @param leader       the known leader after this Ready (0 none), meaningful when role is not null
 * @param hardState    the hard state to persist, or null if unchanged
 * @param snapshot     a snapshot from the leader to install, or null
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
        boolean mustSync) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        committedEntries = List.copyOf(committedEntries);
        readStates = List.copyOf(readStates);
        events = List.copyOf(events);
    }
}
