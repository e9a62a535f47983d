package io.ostraka.server.grpc;

import io.grpc.stub.StreamObserver;
import io.ostraka.api.kv.v1.AdminGrpc;
import io.ostraka.api.kv.v1.LeaderTransferRequest;
import io.ostraka.api.kv.v1.LeaderTransferResponse;
import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.MemberAddRequest;
import io.ostraka.api.kv.v1.MemberChangeResponse;
import io.ostraka.api.kv.v1.MemberListRequest;
import io.ostraka.api.kv.v1.MemberListResponse;
import io.ostraka.api.kv.v1.MemberPromoteRequest;
import io.ostraka.api.kv.v1.MemberRemoveRequest;
import io.ostraka.api.kv.v1.SnapshotRequest;
import io.ostraka.api.kv.v1.SnapshotResponse;
import io.ostraka.node.MemberInfo;
import io.ostraka.node.OstrakaException;
import io.ostraka.node.RaftGroup;
import io.ostraka.node.ReadLevel;
import io.ostraka.raft.ConfState;
import io.ostraka.server.HostPorts;
import io.ostraka.raft.Role;
import io.ostraka.raft.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.LongFunction;

/**
 * The Admin service of kv.proto over a Raft group: membership, leadership transfer and
 * snapshots. Changes are made by the leader; any other node answers NOT_LEADER with the leader's
 * client address, which the client follows. Promoting a learner that is far behind is refused
 * with how far it is, so an operator does not slow every commit down to a node still catching up.
 */
public final class AdminGrpcService extends AdminGrpc.AdminImplBase {
    /** A learner more than this many entries behind the leader is not promoted. */
    static final long PROMOTE_LAG_MAX = 1_000;

    private final RaftGroup group;
    private final long nodeId;
    private final BiFunction<Long, String, String> address;
    private final LongFunction<String> leaderClientAddress;

    /**
     * @param address (node id, role) → that node's address for "grpc" or "peer", or null
     */
    public AdminGrpcService(RaftGroup group, long nodeId, BiFunction<Long, String, String> address) {
        this.group = group;
        this.nodeId = nodeId;
        this.address = address;
        this.leaderClientAddress = id -> address.apply(id, "grpc");
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
        Status s = group.status();
        out.onNext(MemberListResponse.newBuilder().setIndex(s.applied()).setLeaderId(s.leader())
                .addAllMembers(members(s.conf()).values()).build());
        out.onCompleted();
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberChangeResponse> out) {
        add(request, false, out);
    }

    @Override
    public void memberAddLearner(MemberAddRequest request, StreamObserver<MemberChangeResponse> out) {
        add(request, true, out);
    }

    private void add(MemberAddRequest request, boolean learner, StreamObserver<MemberChangeResponse> out) {
        if (request.getId() <= 0) {
            out.onError(GrpcErrors.invalidArgument("id must be positive", "id"));
            return;
        }
        String peer;
        String client = null;
        try {
            peer = HostPorts.parse(request.getPeerAddress(), 1).toString();
        } catch (IllegalArgumentException e) {
            out.onError(GrpcErrors.invalidArgument("peer_address '" + request.getPeerAddress() + "': " + e.getMessage(),
                    "peer_address"));
            return;
        }
        if (!request.getClientAddress().isBlank()) {
            try {
                client = HostPorts.parse(request.getClientAddress(), 1).toString();
            } catch (IllegalArgumentException e) {
                out.onError(GrpcErrors.invalidArgument("client_address '" + request.getClientAddress() + "': "
                        + e.getMessage(), "client_address"));
                return;
            }
        }
        if (!leading(out)) {
            return;
        }
        Status s = group.status();
        long id = request.getId();
        if (s.conf().allNodes().contains(id)) {
            out.onError(GrpcErrors.invalidArgument("node " + id + " is already a " + (s.conf().isVoter(id) ? "voter" : "learner")
                    + "; to change its role use promote, to change its address remove it first", "id"));
            return;
        }
        for (long other : s.conf().allNodes()) {
            if (peer.equals(address.apply(other, "peer"))) {
                out.onError(GrpcErrors.invalidArgument("peer_address " + peer + " is node " + other + "'s", "peer_address"));
                return;
            }
        }
        if (!learner) {
            int voters = s.conf().voters().size() + 1;
            int quorum = voters / 2 + 1;
            int reachable = activeVoters(s, s.conf().voters());
            if (reachable < quorum) {
                out.onError(GrpcErrors.invalidArgument("adding voter " + id + " makes " + voters + " voters, whose quorum of "
                        + quorum + " needs the new node, which has not caught up (" + reachable + " reachable now); add it as a"
                        + " learner, let it catch up, then promote it", "id"));
                return;
            }
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put(MemberInfo.PEER, peer);
        if (client != null) {
            addresses.put("grpc", client);
        }
        MemberInfo member = new MemberInfo(request.getId(), addresses);
        change(() -> learner ? group.addLearner(member) : group.addMember(member), out);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberChangeResponse> out) {
        if (!leading(out)) {
            return;
        }
        Status s = group.status();
        if (!s.conf().learners().contains(request.getId())) {
            out.onError(GrpcErrors.invalidArgument("node " + request.getId() + " is not a learner (learners: "
                    + s.conf().learners() + ")", "id"));
            return;
        }
        Status.PeerProgress p = s.peers().get(request.getId());
        if (p == null || p.match() == 0) {
            out.onError(GrpcErrors.invalidArgument("learner " + request.getId() + " has not acknowledged any entry yet"
                    + " (is it running, and reachable at its peer address?); promote it once it has caught up", "id"));
            return;
        }
        long lag = Math.max(0, s.lastIndex() - p.match());
        if (lag > PROMOTE_LAG_MAX) {
            out.onError(GrpcErrors.invalidArgument("learner " + request.getId() + " is " + lag + " entries behind the leader (match "
                    + p.match() + ", last index " + s.lastIndex() + "); promote it once it has caught up", "id"));
            return;
        }
        if (!p.recentActive()) {
            out.onError(GrpcErrors.invalidArgument("learner " + request.getId() + " has not answered within an election"
                    + " timeout (stopped, or unreachable?); promote it once it answers again", "id"));
            return;
        }
        change(() -> group.promote(request.getId()), out);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberChangeResponse> out) {
        if (!leading(out)) {
            return;
        }
        Status s = group.status();
        long id = request.getId();
        if (!s.conf().allNodes().contains(id)) {
            out.onError(GrpcErrors.invalidArgument("node " + id + " is not a member (members: " + s.conf().allNodes() + ")", "id"));
            return;
        }
        if (s.conf().isVoter(id)) {
            java.util.Set<Long> remaining = new java.util.TreeSet<>(s.conf().voters());
            remaining.remove(id);
            if (remaining.isEmpty()) {
                out.onError(GrpcErrors.invalidArgument("node " + id + " is the last voter; a group needs one", "id"));
                return;
            }
            int quorum = remaining.size() / 2 + 1;
            int reachable = activeVoters(s, remaining);
            if (reachable < quorum) {
                out.onError(GrpcErrors.invalidArgument("removing voter " + id + " leaves " + remaining.size() + " voters, whose"
                        + " quorum of " + quorum + " is more than the " + reachable + " reachable now", "id"));
                return;
            }
        }
        // Removing the leader itself is fine: it keeps leading until the change commits, then hands
        // leadership to the most up-to-date voter (Raft thesis §4.2.2) and steps down.
        change(() -> group.removeMember(id), out);
    }

    @Override
    public void leaderTransfer(LeaderTransferRequest request, StreamObserver<LeaderTransferResponse> out) {
        if (!leading(out)) {
            return;
        }
        Status s = group.status();
        long target = request.getTargetId();
        if (target == 0) {
            target = s.handOverCandidate();
            if (target == 0) {
                out.onError(GrpcErrors.invalidArgument("there is no other voter to hand leadership to", "target_id"));
                return;
            }
        } else if (!s.conf().voters().contains(target)) {
            out.onError(GrpcErrors.invalidArgument("node " + target + " is not a voter (voters: " + s.conf().voters() + ")", "target_id"));
            return;
        }
        long to = target;
        group.transferLeadership(to).whenComplete((v, e) -> {
            if (e != null) {
                out.onError(GrpcErrors.toStatus(e, leaderClientAddress));
            } else {
                out.onNext(LeaderTransferResponse.newBuilder().setLeaderId(to).setTerm(group.status().term()).build());
                out.onCompleted();
            }
        });
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
        group.triggerSnapshot().whenComplete((meta, e) -> {
            if (e != null) {
                out.onError(GrpcErrors.toStatus(e, leaderClientAddress));
            } else {
                out.onNext(SnapshotResponse.newBuilder().setIndex(meta.index()).setTerm(meta.term()).build());
                out.onCompleted();
            }
        });
    }

    /** How many of {@code voters} this leader counts as reachable: itself, and peers heard from recently. */
    private int activeVoters(Status s, java.util.Collection<Long> voters) {
        int active = 0;
        for (long voter : voters) {
            Status.PeerProgress p = s.peers().get(voter);
            if (voter == nodeId || (p != null && p.recentActive())) {
                active++;
            }
        }
        return active;
    }

    private boolean leading(StreamObserver<?> out) {
        Status s = group.status();
        if (s != null && s.role() == Role.LEADER) {
            return true;
        }
        long leader = s == null ? 0 : s.leader();
        out.onError(GrpcErrors.toStatus(OstrakaException.notLeader(leader, null), leaderClientAddress));
        return false;
    }

    /**
     * Proposes a membership change once this leader has committed an entry of its own term: Raft
     * refuses a change before that (the fix to single-server changes, Ongaro's raft-dev post of
     * 2015), so a request arriving just after an election would fail with an error that only
     * means "ask again in a heartbeat". A linearizable read barrier waits exactly for that commit
     * (and confirms the leadership) first.
     */
    private void change(Supplier<CompletableFuture<Long>> proposal, StreamObserver<MemberChangeResponse> out) {
        group.readBarrier(ReadLevel.LINEARIZABLE).thenCompose(applied -> proposal.get()).whenComplete((index, e) -> {
            if (e != null) {
                out.onError(GrpcErrors.toStatus(e, leaderClientAddress));
                return;
            }
            out.onNext(MemberChangeResponse.newBuilder().setIndex(index)
                    .addAllMembers(members(group.status().conf()).values()).build());
            out.onCompleted();
        });
    }

    private Map<Long, Member> members(ConfState conf) {
        Map<Long, Member> out = new LinkedHashMap<>();
        for (long id : conf.allNodes()) {
            String grpc = address.apply(id, "grpc");
            String peer = address.apply(id, "peer");
            out.put(id, Member.newBuilder().setId(id).setVoter(conf.isVoter(id))
                    .setClientAddress(grpc == null ? "" : grpc).setPeerAddress(peer == null ? "" : peer).build());
        }
        return out;
    }
}
