package io.ostraka.node;

import io.ostraka.log.SnapshotStore;
import java.util.List;
import java.util.Objects;

/**
 * What a group needs to run on a node.
 *
 * @param groupId        the group
 * @param stateMachine   the application's replicated state
 * @param storage        the group's Raft log (durable or memory)
 * @param snapshots      where snapshots of the group are kept
 * @param initialMembers for a brand-new group: every initial voter with its addresses, the same
 *                       list on every initial member (bootstrap). Empty to join an existing group:
 *                       the node then waits, as a non-member, until a leader adds it.
 * @param randomSeed     seeds this core's election timeouts
 */
public record GroupSpec(long groupId, StateMachine stateMachine, RaftStorage storage, SnapshotStore snapshots,
                        List<MemberInfo> initialMembers, long randomSeed) {
    public GroupSpec {
        Objects.requireNonNull(stateMachine, "stateMachine");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(snapshots, "snapshots");
        initialMembers = List.copyOf(initialMembers);
    }
}
