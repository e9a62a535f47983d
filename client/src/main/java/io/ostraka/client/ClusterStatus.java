package io.ostraka.client;

import java.util.List;
import java.util.Map;

/** The answering node's view of the cluster (the Status RPC). */
public record ClusterStatus(long nodeId, String role, long term, long leaderId, String leaderAddress,
                            long commitIndex, long appliedIndex, List<Member> members, Map<String, String> info) {
    public ClusterStatus {
        members = List.copyOf(members);
        info = Map.copyOf(info);
    }

    /** A member: its id, client gRPC address, peer address, and whether it votes (false: learner). */
    public record Member(long id, String clientAddress, String peerAddress, boolean voter) {}
}
