package io.ostraka.client;

import java.util.List;
import java.util.Map;

/**
 * The answering node's view of the cluster (the Status RPC).
 *
 * @param role     the answering node's role: leader, follower, candidate, pre_candidate, starting
 * @param failure  why the answering node's Raft group stopped, or empty while it runs
 */
public record ClusterStatus(long nodeId, String role, long term, long leaderId, String leaderAddress,
                            long commitIndex, long appliedIndex, List<Member> members, Map<String, String> info,
                            long firstIndex, long lastIndex, String failure) {
    public ClusterStatus {
        members = List.copyOf(members);
        info = Map.copyOf(info);
    }

    /**
     * A member: its id, client gRPC address, peer address, whether it votes (false: learner) and,
     * when the leader answered, its replication progress (else null).
     */
    public record Member(long id, String clientAddress, String peerAddress, boolean voter, Progress progress) {}

    /** The leader's view of a member's replication; {@code lag} = the leader's last index − {@code matchIndex}. */
    public record Progress(long matchIndex, long nextIndex, String state, long lag, boolean recentActive) {}

    /** The member with this id, if listed. */
    public java.util.Optional<Member> member(long id) {
        return members.stream().filter(m -> m.id() == id).findFirst();
    }
}
