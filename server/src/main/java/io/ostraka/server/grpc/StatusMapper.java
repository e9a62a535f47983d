package io.ostraka.server.grpc;

import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.StatusResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the Status response from {@link io.ostraka.server.KvService#info()}. The facts it reads
 * (all optional; a missing or unparsable number reads as 0):
 * <pre>
 *   node_id, role, term, leader_id, commit_index, applied_index,
 *   leader_address, or else leader_grpc (the leader's client gRPC address; RaftKvService reports
 *       each advertised address of the leader as leader_&lt;role&gt;),
 *   voters, learners ("[1, 2, 3]": member ids),
 *   member.&lt;id&gt;.client_address, member.&lt;id&gt;.peer_address, member.&lt;id&gt;.voter ("true"/"false"),
 *   member.&lt;id&gt;.match, .next, .state, .lag, .recent_active (the leader's replication progress),
 *   first_index, last_index, failure
 * </pre>
 * {@link io.ostraka.server.NodeStatus#facts()} writes them.
 * Every fact is also copied into {@code info} for display.
 */
final class StatusMapper {
    private StatusMapper() {}

    static StatusResponse status(Map<String, String> info) {
        Map<String, String> facts = new TreeMap<>(info);
        StatusResponse.Builder b = StatusResponse.newBuilder()
                .setNodeId(number(facts, "node_id"))
                .setRole(facts.getOrDefault("role", ""))
                .setTerm(number(facts, "term"))
                .setLeaderId(number(facts, "leader_id"))
                .setLeaderAddress(facts.getOrDefault("leader_address", facts.getOrDefault("leader_grpc", "")))
                .setCommitIndex(number(facts, "commit_index"))
                .setAppliedIndex(number(facts, "applied_index"))
                .setIndex(number(facts, "applied_index"))
                .setFirstIndex(number(facts, "first_index"))
                .setLastIndex(number(facts, "last_index"))
                .setFailure(facts.getOrDefault("failure", ""))
                .putAllInfo(facts);
        Map<Long, Member.Builder> members = new TreeMap<>();
        for (long id : ids(facts.get("voters"))) {
            members.computeIfAbsent(id, i -> Member.newBuilder().setId(i)).setVoter(true);
        }
        for (long id : ids(facts.get("learners"))) {
            members.computeIfAbsent(id, i -> Member.newBuilder().setId(i)).setVoter(false);
        }
        for (Map.Entry<String, String> fact : facts.entrySet()) {
            String[] parts = fact.getKey().split("\\.", 3);
            if (parts.length != 3 || !parts[0].equals("member")) {
                continue;
            }
            long id = parseOrZero(parts[1]);
            if (id == 0) {
                continue;
            }
            Member.Builder member = members.computeIfAbsent(id, i -> Member.newBuilder().setId(i).setVoter(true));
            switch (parts[2]) {
                case "client_address" -> member.setClientAddress(fact.getValue());
                case "peer_address" -> member.setPeerAddress(fact.getValue());
                case "voter" -> member.setVoter(Boolean.parseBoolean(fact.getValue()));
                case "match" -> member.getProgressBuilder().setMatchIndex(parseOrZero(fact.getValue()));
                case "next" -> member.getProgressBuilder().setNextIndex(parseOrZero(fact.getValue()));
                case "state" -> member.getProgressBuilder().setState(fact.getValue());
                case "lag" -> member.getProgressBuilder().setLag(parseOrZero(fact.getValue()));
                case "recent_active" -> member.getProgressBuilder().setRecentActive(Boolean.parseBoolean(fact.getValue()));
                default -> { }
            }
        }
        members.values().forEach(b::addMembers);
        return b.build();
    }

    /** The ids of a list written as "[1, 2, 3]" (or "1,2,3"); unparsable parts are skipped. */
    private static List<Long> ids(String list) {
        List<Long> ids = new ArrayList<>();
        if (list == null) {
            return ids;
        }
        for (String part : list.replace("[", "").replace("]", "").split(",")) {
            long id = parseOrZero(part);
            if (id > 0) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static long number(Map<String, String> facts, String name) {
        String value = facts.get(name);
        return value == null ? 0 : parseOrZero(value);
    }

    private static long parseOrZero(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
