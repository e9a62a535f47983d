package io.ostraka.server;

import io.ostraka.node.RaftGroup;
import io.ostraka.raft.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a node says about itself and its group: the {@code /status} JSON document, the facts of
 * RESP {@code INFO} and the gRPC {@code Status} call all come from one of these, so the three
 * cannot disagree. {@code docs/operations.md} describes the JSON fields.
 *
 * @param role      {@code leader}, {@code follower}, {@code candidate}, {@code pre_candidate}, or
 *                  {@code starting} before the group's first status (then the Raft fields are 0/empty)
 * @param leader    the leader as this node knows it, or null when none is known
 * @param members   every member of the configuration (both halves when joint), by id
 * @param snapshot  the latest snapshot stored on this node, or null (none yet, or not asked for)
 * @param storage   sizes on disk, or null when not asked for (INFO and Status leave them out: they walk directories)
 * @param failure   why the group stopped on this node, or null while it runs
 */
public record NodeStatus(long nodeId, long groupId, String role, long term, Leader leader, long firstIndex,
                         long lastIndex, long commitIndex, long appliedIndex, boolean joint, List<Member> members,
                         NodeStorage.Snapshot snapshot, Storage storage, String failure) {

    /** The address roles a member may advertise, in display order. */
    static final List<String> ADDRESS_ROLES = List.of("peer", "resp", "grpc", "http");

    public record Leader(long id, Map<String, String> addresses) {}

    /**
     * A member of the group. {@code progress} is the leader's view of its replication — present
     * only in the leader's answer.
     */
    public record Member(long id, Map<String, String> addresses, boolean voter, Progress progress) {}

    /** The leader's replication state for one member; {@code lag} = leader's last index − match. */
    public record Progress(long match, long next, String state, long lag, boolean recentActive) {}

    public record Storage(long logBytes, long logFileBytes, long kvBytes) {}

    /** Looks up a member's advertised address for a role, or null while unknown. */
    @FunctionalInterface
    public interface Addresses {
        String address(long id, String role);
    }

    /**
     * Captures the group's published status now. {@code storage} null leaves out the snapshot and
     * the sizes on disk.
     */
    public static NodeStatus capture(long nodeId, RaftGroup group, Addresses addresses, NodeStorage storage) {
        Throwable failed = group.failure();
        String failure = failed == null ? null : failed.toString();
        Status s = group.status();
        if (s == null) {
            return new NodeStatus(nodeId, group.groupId(), "starting", 0, null, 0, 0, 0, 0, false, List.of(),
                    null, null, failure);
        }
        Leader leader = s.leader() == 0 ? null : new Leader(s.leader(), addressesOf(s.leader(), addresses));
        List<Member> members = new ArrayList<>();
        for (long id : s.conf().allNodes()) {
            Status.PeerProgress p = s.peers().get(id);
            Progress progress = p == null ? null : new Progress(p.match(), p.next(),
                    p.state().name().toLowerCase(Locale.ROOT), Math.max(0, s.lastIndex() - p.match()), p.recentActive());
            members.add(new Member(id, addressesOf(id, addresses), s.conf().isVoter(id), progress));
        }
        NodeStorage.Snapshot snapshot = null;
        Storage sizes = null;
        if (storage != null) {
            snapshot = storage.latestSnapshot(group.groupId()).orElse(null);
            sizes = new Storage(storage.logBytes(), storage.logFileBytes(), storage.kvBytes());
        }
        return new NodeStatus(nodeId, group.groupId(), s.role().name().toLowerCase(Locale.ROOT), s.term(), leader,
                s.firstIndex(), s.lastIndex(), s.committed(), s.applied(), s.conf().isJoint(), List.copyOf(members),
                snapshot, sizes, failure);
    }

    private static Map<String, String> addressesOf(long id, Addresses addresses) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String role : ADDRESS_ROLES) {
            String address = addresses.address(id, role);
            if (address != null) {
                out.put(role, address);
            }
        }
        return out;
    }

    /** The {@code /status} document. */
    public String toJson() {
        JsonWriter j = new JsonWriter().beginObject()
                .field("node_id", nodeId)
                .field("group_id", groupId)
                .field("role", role)
                .field("term", term)
                .field("healthy", failure == null)
                .field("failure", failure);
        j.name("leader");
        if (leader == null) {
            j.nullValue();
        } else {
            j.beginObject().field("id", leader.id());
            writeAddresses(j, leader.addresses());
            j.endObject();
        }
        j.field("first_index", firstIndex).field("last_index", lastIndex)
                .field("commit_index", commitIndex).field("applied_index", appliedIndex)
                .field("joint", joint);
        j.name("members").beginArray();
        for (Member m : members) {
            j.beginObject().field("id", m.id());
            writeAddresses(j, m.addresses());
            j.field("voter", m.voter()).field("self", m.id() == nodeId);
            if (m.progress() != null) {
                Progress p = m.progress();
                j.name("progress").beginObject().field("match", p.match()).field("next", p.next())
                        .field("state", p.state()).field("lag", p.lag()).field("recent_active", p.recentActive())
                        .endObject();
            }
            j.endObject();
        }
        j.endArray();
        j.name("snapshot");
        if (snapshot == null) {
            j.nullValue();
        } else {
            j.beginObject().field("index", snapshot.index()).field("term", snapshot.term())
                    .field("size_bytes", snapshot.sizeBytes()).endObject();
        }
        j.name("storage");
        if (storage == null) {
            j.nullValue();
        } else {
            j.beginObject().field("log_bytes", storage.logBytes()).field("log_file_bytes", storage.logFileBytes())
                    .field("kv_bytes", storage.kvBytes()).endObject();
        }
        return j.endObject().toString() + "\n";
    }

    private static void writeAddresses(JsonWriter j, Map<String, String> addresses) {
        j.name("addresses").beginObject();
        addresses.forEach(j::field);
        j.endObject();
    }

    /**
     * The same facts as flat, stable names (RESP {@code INFO}, the gRPC Status call's
     * {@code info} map, which {@code StatusMapper} reads back): node_id, group_id, role, term,
     * leader_id, leader_&lt;role&gt;, commit_index, applied_index, first_index, last_index,
     * voters, learners, joint, peer_&lt;id&gt; (one line of progress), member.&lt;id&gt;.* and,
     * when set, failure, snapshot_*, storage_*.
     */
    public Map<String, String> facts() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("node_id", Long.toString(nodeId));
        out.put("group_id", Long.toString(groupId));
        out.put("role", role);
        if (failure != null) {
            out.put("failure", failure);
        }
        if (role.equals("starting")) {
            return out;
        }
        out.put("term", Long.toString(term));
        out.put("leader_id", Long.toString(leader == null ? 0 : leader.id()));
        if (leader != null) {
            leader.addresses().forEach((r, address) -> out.put("leader_" + r, address));
        }
        out.put("commit_index", Long.toString(commitIndex));
        out.put("applied_index", Long.toString(appliedIndex));
        out.put("first_index", Long.toString(firstIndex));
        out.put("last_index", Long.toString(lastIndex));
        List<Long> voters = new ArrayList<>();
        List<Long> learners = new ArrayList<>();
        for (Member m : members) {
            (m.voter() ? voters : learners).add(m.id());
        }
        out.put("voters", voters.toString());
        out.put("learners", learners.toString());
        out.put("joint", Boolean.toString(joint));
        for (Member m : members) {
            Progress p = m.progress();
            if (p != null) {
                out.put("peer_" + m.id(), "match=" + p.match() + " next=" + p.next() + " state=" + p.state().toUpperCase(Locale.ROOT)
                        + (m.voter() ? "" : " learner") + " lag=" + p.lag());
            }
        }
        for (Member m : members) {
            String prefix = "member." + m.id() + ".";
            putIfPresent(out, prefix + "client_address", m.addresses().get("grpc"));
            putIfPresent(out, prefix + "peer_address", m.addresses().get("peer"));
            putIfPresent(out, prefix + "http_address", m.addresses().get("http"));
            putIfPresent(out, prefix + "resp_address", m.addresses().get("resp"));
            out.put(prefix + "voter", Boolean.toString(m.voter()));
            if (m.progress() != null) {
                out.put(prefix + "match", Long.toString(m.progress().match()));
                out.put(prefix + "next", Long.toString(m.progress().next()));
                out.put(prefix + "state", m.progress().state());
                out.put(prefix + "lag", Long.toString(m.progress().lag()));
                out.put(prefix + "recent_active", Boolean.toString(m.progress().recentActive()));
            }
        }
        if (snapshot != null) {
            out.put("snapshot_index", Long.toString(snapshot.index()));
            out.put("snapshot_term", Long.toString(snapshot.term()));
            out.put("snapshot_bytes", Long.toString(snapshot.sizeBytes()));
        }
        if (storage != null) {
            out.put("storage_log_bytes", Long.toString(storage.logBytes()));
            out.put("storage_kv_bytes", Long.toString(storage.kvBytes()));
        }
        return out;
    }

    private static void putIfPresent(Map<String, String> out, String key, String value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
