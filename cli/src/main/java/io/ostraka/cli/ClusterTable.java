package io.ostraka.cli;

import io.ostraka.client.ClusterStatus;
import io.ostraka.client.OstrakaClient;
import io.ostraka.client.OstrakaClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What {@code ostraka status} shows: every member of the cluster as it answers for itself — its
 * role, term, commit and applied index — plus its replication lag as the leader sees it, and
 * whether it could be asked at all.
 *
 * <p>The member list comes from whichever node the client reaches first; then each member is
 * asked directly, once, at its client address (no redirects), so a node that is down shows as
 * unreachable instead of hiding behind another node's answer. Health: {@code reachable} (it
 * answered), {@code failed} (it answered that its Raft group stopped — see its {@code /health}),
 * {@code unreachable} (no answer: down, partitioned, or too slow), {@code unknown} (its client
 * address is not known yet).
 */
final class ClusterTable {
    /** How long to keep asking for the member list while some member's client address is unknown. */
    static final Duration ADDRESS_WAIT = Duration.ofSeconds(2);

    record Row(long id, String address, String role, long term, long commitIndex, long appliedIndex, long lag,
               String health, String problem) {
        static final long UNKNOWN = -1;
    }

    private final List<Row> rows;
    private final long leaderId;
    private final String leaderAddress;
    private final long term;

    private ClusterTable(List<Row> rows, long leaderId, String leaderAddress, long term) {
        this.rows = List.copyOf(rows);
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
        this.term = term;
    }

    /** Asks the cluster through {@code client}: one member list, then every member in parallel. */
    static ClusterTable gather(OstrakaClient client) {
        return gather(client, List.of());
    }

    /**
     * Like {@link #gather(OstrakaClient)}; a member whose client address the answering node has
     * not learned yet is looked for among {@code endpoints} (each asked who it is).
     */
    static ClusterTable gather(OstrakaClient client, List<String> endpoints) {
        ClusterStatus view = memberList(client);
        Map<Long, String> addresses = new LinkedHashMap<>();
        for (ClusterStatus.Member m : view.members()) {
            if (!m.clientAddress().isEmpty()) {
                addresses.put(m.id(), m.clientAddress());
            }
        }
        Map<String, CompletableFuture<ClusterStatus>> probes = new LinkedHashMap<>();
        if (addresses.size() < view.members().size()) {
            for (String endpoint : endpoints) {
                if (!addresses.containsValue(endpoint)) {
                    probes.put(endpoint, client.async().statusOf(endpoint));
                }
            }
        }
        probes.forEach((endpoint, future) -> {
            try {
                ClusterStatus s = future.join();
                if (view.member(s.nodeId()).isPresent()) {
                    addresses.putIfAbsent(s.nodeId(), endpoint);
                }
            } catch (CompletionException e) {
                // not reachable: that member keeps an unknown address
            }
        });
        Map<Long, CompletableFuture<ClusterStatus>> asked = new LinkedHashMap<>();
        addresses.forEach((id, address) -> asked.put(id, client.async().statusOf(address)));
        Map<Long, ClusterStatus> answers = new LinkedHashMap<>();
        Map<Long, String> errors = new LinkedHashMap<>();
        asked.forEach((id, future) -> {
            try {
                answers.put(id, future.join());
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                errors.put(id, cause instanceof OstrakaClientException oce ? describe(oce) : cause.toString());
            }
        });
        ClusterStatus leader = leaderAnswer(answers);
        List<Row> rows = new ArrayList<>();
        for (ClusterStatus.Member m : view.members()) {
            rows.add(row(m, addresses.getOrDefault(m.id(), ""), answers.get(m.id()), errors.get(m.id()), leader));
        }
        if (leader != null) {
            return new ClusterTable(rows, leader.nodeId(), addresses.getOrDefault(leader.nodeId(), ""), leader.term());
        }
        // Nobody reachable says it leads. A leader the others know of (in the highest term any of them
        // knows) still counts: it may be this machine that is cut off from it.
        ClusterStatus best = view;
        for (ClusterStatus s : answers.values()) {
            if (s.leaderId() != 0 && (best.leaderId() == 0 || s.term() > best.term())) {
                best = s;
            }
        }
        long known = best.leaderId();
        return new ClusterTable(rows, known, addresses.getOrDefault(known, ""), best.term());
    }

    private static String describe(OstrakaClientException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith(e.code().name()) ? message : e.code() + ": " + message;
    }

    /** The member list, asked again for a moment while some member's client address is still being learned. */
    private static ClusterStatus memberList(OstrakaClient client) {
        long deadline = System.nanoTime() + ADDRESS_WAIT.toNanos();
        ClusterStatus view = client.status();
        while (view.members().stream().anyMatch(m -> m.clientAddress().isEmpty()) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            view = client.status();
        }
        return view;
    }

    /** The answer of the node that says it leads (the highest term wins, should a deposed leader not know yet). */
    private static ClusterStatus leaderAnswer(Map<Long, ClusterStatus> answers) {
        ClusterStatus leader = null;
        for (ClusterStatus s : answers.values()) {
            if (s.role().equals("leader") && s.failure().isEmpty() && (leader == null || s.term() > leader.term())) {
                leader = s;
            }
        }
        return leader;
    }

    private static Row row(ClusterStatus.Member m, String clientAddress, ClusterStatus answer, String error, ClusterStatus leader) {
        long lag = Row.UNKNOWN;
        if (leader != null) {
            ClusterStatus.Progress p = leader.member(m.id()).map(ClusterStatus.Member::progress).orElse(null);
            if (p != null) {
                lag = p.lag();
            }
        }
        String address = clientAddress.isEmpty() ? "-" : clientAddress;
        if (answer == null) {
            return new Row(m.id(), address, m.voter() ? "-" : "learner", Row.UNKNOWN, Row.UNKNOWN, Row.UNKNOWN, lag,
                    error == null ? "unknown" : "unreachable", error == null ? "its client address is not known (it has not been reachable since the answering node started; "
                            + "peer address " + (m.peerAddress().isEmpty() ? "unknown" : m.peerAddress()) + ")" : error);
        }
        String role = !m.voter() && answer.role().equals("follower") ? "learner" : answer.role();
        boolean failed = !answer.failure().isEmpty();
        return new Row(m.id(), address, role, answer.term(), answer.commitIndex(), answer.appliedIndex(), lag,
                failed ? "failed" : "reachable", failed ? answer.failure() : null);
    }

    List<Row> rows() {
        return rows;
    }

    /** The leader's id, 0 when no leader is known. */
    long leaderId() {
        return leaderId;
    }

    String render() {
        StringBuilder out = new StringBuilder();
        String format = "%-6s %-22s %-13s %-6s %-10s %-10s %-7s %s%n";
        out.append(String.format(format, "ID", "ADDRESS", "ROLE", "TERM", "COMMIT", "APPLIED", "LAG", "HEALTH"));
        for (Row r : rows) {
            out.append(String.format(format, r.id(), r.address(), r.role(), number(r.term()), number(r.commitIndex()),
                    number(r.appliedIndex()), number(r.lag()), r.health()));
        }
        out.append('\n');
        if (leaderId == 0) {
            out.append("no leader known\n");
        } else {
            out.append("leader ").append(leaderId).append(leaderAddress.isEmpty() ? "" : " (" + leaderAddress + ")")
                    .append(", term ").append(term).append('\n');
        }
        for (Row r : rows) {
            if (r.problem() != null) {
                out.append("node ").append(r.id()).append(' ').append(r.health()).append(": ").append(r.problem()).append('\n');
            }
        }
        return out.toString();
    }

    private static String number(long value) {
        return value == Row.UNKNOWN ? "-" : Long.toString(value);
    }
}
