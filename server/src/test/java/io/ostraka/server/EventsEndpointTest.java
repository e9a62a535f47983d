package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.kv.KvCommand;
import io.ostraka.raft.SnapshotMetadata;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /events on a real three-node cluster (one JVM, real sockets): a client on the leader and one
 * on the transfer's target watch leadership move — the old leader reports the transfer started,
 * its step-down, the new leader observed and the transfer completed, in that order; the target
 * reports its own election — and then a snapshot taken on demand reported started and finished
 * at the index the snapshot call returned. Every event names the node, the group and the term.
 */
class EventsEndpointTest {
    @TempDir
    Path dir;

    private final Set<Integer> used = new HashSet<>();

    private int freePort() throws Exception {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (used.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    private ServerConfig config(long id, int peerPort, String members) {
        return ServerConfig.load(Map.of(), Map.of(), List.of("--node-id", Long.toString(id),
                "--data-dir", dir.resolve("n" + id).toString(), "--storage", "memory", "--profile", "low-latency",
                "--initial-members", members, "--peer-listen", "127.0.0.1:" + peerPort,
                "--resp-listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"));
    }

    private static String eventsUrl(OstrakaServer s) {
        return "http://127.0.0.1:" + s.httpPort() + "/events";
    }

    @Test
    void leadershipTransferAndSnapshotAreStreamed() throws Exception {
        TreeMap<Long, Integer> peerPorts = new TreeMap<>();
        List<String> members = new ArrayList<>();
        for (long id = 1; id <= 3; id++) {
            peerPorts.put(id, freePort());
            members.add(id + "=127.0.0.1:" + peerPorts.get(id));
        }
        TreeMap<Long, OstrakaServer> servers = new TreeMap<>();
        List<SseClient> clients = new ArrayList<>();
        try {
            for (long id = 1; id <= 3; id++) {
                servers.put(id, OstrakaServer.start(config(id, peerPorts.get(id), String.join(",", members))));
            }
            long leader = servers.get(1L).group().awaitLeader(Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS);
            long target = leader == 3 ? 2 : 3;
            servers.get(leader).kv().write(KvCommand.put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)))
                    .get(20, TimeUnit.SECONDS);

            SseClient onLeader = SseClient.connect(eventsUrl(servers.get(leader)));
            clients.add(onLeader);
            SseClient onTarget = SseClient.connect(eventsUrl(servers.get(target)));
            clients.add(onTarget);
            assertThat(onLeader.response.statusCode()).isEqualTo(200);

            Instant before = Instant.now().minusSeconds(1);
            servers.get(leader).group().transferLeadership(target).get(30, TimeUnit.SECONDS);

            SseClient.Event transferred = onLeader.await("LeadershipTransferred",
                    e -> e.name().equals("LeadershipTransferred"));
            assertThat(transferred.number("peer")).isEqualTo(target);
            assertThat(transferred.number("node")).isEqualTo(leader);
            assertThat(transferred.number("group")).isEqualTo(OstrakaServer.KV_GROUP);
            assertThat(transferred.text("detail")).isEqualTo("completed");
            assertThat(Instant.parse(transferred.text("time"))).isAfter(before).isBefore(Instant.now().plusSeconds(1));

            SseClient.Event started = onLeader.await("LeadershipTransferStarted",
                    e -> e.name().equals("LeadershipTransferStarted"));
            assertThat(started.number("peer")).isEqualTo(target);
            assertThat(transferred.number("term")).isGreaterThan(started.number("term"));
            SseClient.Event observed = onLeader.await("the new leader observed",
                    e -> e.name().equals("LeaderElected") && e.number("peer") == target);
            assertThat(observed.text("detail")).isEqualTo("observed");
            assertThat(observed.number("term")).isEqualTo(transferred.number("term"));
            List<String> order = onLeader.events().stream().map(SseClient.Event::name)
                    .filter(n -> List.of("LeadershipTransferStarted", "SteppedDown", "LeaderElected", "LeadershipTransferred").contains(n))
                    .toList();
            assertThat(order).containsSubsequence("LeadershipTransferStarted", "SteppedDown", "LeaderElected", "LeadershipTransferred");

            SseClient.Event elected = onTarget.await("the target's election",
                    e -> e.name().equals("LeaderElected") && e.number("peer") == target);
            assertThat(elected.text("detail")).isEqualTo("this node");
            assertThat(elected.number("node")).isEqualTo(target);
            assertThat(elected.number("term")).isEqualTo(transferred.number("term"));

            SnapshotMetadata snapshot = servers.get(target).group().triggerSnapshot().get(30, TimeUnit.SECONDS);
            SseClient.Event snapshotStarted = onTarget.await("SnapshotStarted", e -> e.name().equals("SnapshotStarted"));
            SseClient.Event snapshotFinished = onTarget.await("SnapshotFinished", e -> e.name().equals("SnapshotFinished"));
            for (SseClient.Event e : List.of(snapshotStarted, snapshotFinished)) {
                assertThat(e.number("index")).isEqualTo(snapshot.index()).isPositive();
                assertThat(e.text("detail")).isEqualTo("take");
                assertThat(e.number("node")).isEqualTo(target);
                assertThat(e.number("group")).isEqualTo(OstrakaServer.KV_GROUP);
                assertThat(e.number("term")).isGreaterThanOrEqualTo(transferred.number("term"))
                        .isLessThanOrEqualTo(servers.get(target).group().status().term());
            }
            assertThat(onTarget.events().indexOf(snapshotStarted)).isLessThan(onTarget.events().indexOf(snapshotFinished));
        } finally {
            for (SseClient c : clients) {
                c.close();
            }
            for (OstrakaServer s : servers.values()) {
                s.close();
            }
        }
    }
}
