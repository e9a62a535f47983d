package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.StatusRequest;
import io.ostraka.api.kv.v1.StatusResponse;
import io.ostraka.kv.KvCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /status} of a real three-node cluster is a JSON document (read back with Gson, a real
 * parser) with this node's identity and role, the leader with its addresses, the log indexes,
 * every member with its addresses and — in the leader's answer only — its replication progress,
 * the latest snapshot and the sizes on disk. The gRPC Status call carries the same progress.
 */
class StatusEndpointTest {
    @TempDir
    Path dir;

    private static JsonObject status(HttpClient http, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    private static boolean everyMemberHasAllAddresses(JsonObject status) {
        for (JsonElement m : status.getAsJsonArray("members")) {
            if (m.getAsJsonObject().getAsJsonObject("addresses").size() < 4) {
                return false;
            }
        }
        return true;
    }

    /** Routes are exact paths (the JDK server matches by prefix) and answer GET only. */
    @Test
    void routesAreExactPathsAndGetOnly() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 1, "memory", "--dev")) {
            cluster.awaitLeader(Duration.ofSeconds(60));
            int port = cluster.ports(1).http();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .DELETE().timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(delete.statusCode()).isEqualTo(405);
            assertThat(delete.headers().firstValue("Allow")).contains("GET");
        }
    }

    @Test
    void theLeaderAndAFollowerDescribeTheClusterInJson() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, "memory", "--snapshot-entries", "10")) {
            long first = cluster.awaitLeader(Duration.ofSeconds(60));
            for (int i = 0; i < 15; i++) {
                cluster.server(first).kv().write(KvCommand.put(("k" + i).getBytes(StandardCharsets.UTF_8),
                        "v".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            JsonObject[] docs = new JsonObject[4];
            long[] leaderFound = new long[1];
            // Other members' client addresses are learned by asking them once, so the first look may
            // lack them; and on a loaded machine leadership may move: look until all three agree.
            TestCluster.await(() -> {
                try {
                    for (long id = 1; id <= 3; id++) {
                        docs[(int) id] = status(http, cluster.ports(id).http());
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                long leaders = 0;
                for (long id = 1; id <= 3; id++) {
                    JsonObject d = docs[(int) id];
                    if (!everyMemberHasAllAddresses(d) || d.get("snapshot").isJsonNull() || d.get("leader").isJsonNull()) {
                        return false;
                    }
                    if (d.get("role").getAsString().equals("leader")) {
                        leaders++;
                        leaderFound[0] = id;
                    }
                }
                return leaders == 1 && java.util.stream.LongStream.rangeClosed(1, 3).allMatch(id ->
                        docs[(int) id].getAsJsonObject("leader").get("id").getAsLong() == leaderFound[0]);
            }, Duration.ofSeconds(30), "every member's addresses, snapshots, and one leader all agree on");
            long leader = leaderFound[0];
            long follower = leader == 1 ? 2 : 1;

            JsonObject l = docs[(int) leader];
            assertThat(l.get("node_id").getAsLong()).isEqualTo(leader);
            assertThat(l.get("group_id").getAsLong()).isEqualTo(1);
            assertThat(l.get("role").getAsString()).isEqualTo("leader");
            assertThat(l.get("term").getAsLong()).isPositive();
            assertThat(l.get("healthy").getAsBoolean()).isTrue();
            assertThat(l.get("failure").isJsonNull()).isTrue();
            JsonObject leaderInfo = l.getAsJsonObject("leader");
            assertThat(leaderInfo.get("id").getAsLong()).isEqualTo(leader);
            JsonObject addresses = leaderInfo.getAsJsonObject("addresses");
            TestCluster.Ports p = cluster.ports(leader);
            assertThat(addresses.get("peer").getAsString()).isEqualTo("127.0.0.1:" + p.peer());
            assertThat(addresses.get("resp").getAsString()).isEqualTo("127.0.0.1:" + p.resp());
            assertThat(addresses.get("grpc").getAsString()).isEqualTo("127.0.0.1:" + p.grpc());
            assertThat(addresses.get("http").getAsString()).isEqualTo("127.0.0.1:" + p.http());
            long firstIndex = l.get("first_index").getAsLong();
            long last = l.get("last_index").getAsLong();
            long commit = l.get("commit_index").getAsLong();
            long applied = l.get("applied_index").getAsLong();
            assertThat(commit).isGreaterThanOrEqualTo(15);
            assertThat(firstIndex).isLessThanOrEqualTo(applied);
            assertThat(applied).isLessThanOrEqualTo(commit);
            assertThat(commit).isLessThanOrEqualTo(last);
            assertThat(l.get("joint").getAsBoolean()).isFalse();

            List<Long> ids = new ArrayList<>();
            int selves = 0;
            for (JsonElement e : l.getAsJsonArray("members")) {
                JsonObject m = e.getAsJsonObject();
                long id = m.get("id").getAsLong();
                ids.add(id);
                assertThat(m.get("voter").getAsBoolean()).isTrue();
                assertThat(m.getAsJsonObject("addresses").get("grpc").getAsString())
                        .isEqualTo("127.0.0.1:" + cluster.ports(id).grpc());
                if (m.get("self").getAsBoolean()) {
                    selves++;
                    assertThat(id).isEqualTo(leader);
                }
                JsonObject progress = m.getAsJsonObject("progress");
                assertThat(progress).as("the leader reports progress for member %d", id).isNotNull();
                assertThat(progress.get("match").getAsLong()).isLessThanOrEqualTo(last);
                assertThat(progress.get("next").getAsLong()).isPositive();
                assertThat(progress.get("state").getAsString()).isIn("probe", "replicate", "snapshot");
                assertThat(progress.get("lag").getAsLong()).isEqualTo(last - progress.get("match").getAsLong());
            }
            assertThat(ids).containsExactly(1L, 2L, 3L);
            assertThat(selves).isEqualTo(1);
            JsonObject snapshot = l.getAsJsonObject("snapshot");
            assertThat(snapshot.get("index").getAsLong()).isGreaterThanOrEqualTo(10);
            assertThat(snapshot.get("term").getAsLong()).isPositive();
            assertThat(snapshot.get("size_bytes").getAsLong()).isPositive();
            JsonObject storage = l.getAsJsonObject("storage");
            assertThat(storage.get("log_bytes").getAsLong()).isPositive();
            assertThat(storage.get("log_file_bytes").getAsLong()).isGreaterThanOrEqualTo(storage.get("log_bytes").getAsLong());
            assertThat(storage.get("kv_bytes").getAsLong()).as("in-memory storage keeps nothing on disk").isZero();

            JsonObject f = docs[(int) follower];
            assertThat(f.get("role").getAsString()).isEqualTo("follower");
            assertThat(f.get("node_id").getAsLong()).isEqualTo(follower);
            assertThat(f.getAsJsonObject("leader").get("id").getAsLong()).isEqualTo(leader);
            assertThat(f.getAsJsonArray("members")).hasSize(3)
                    .allSatisfy(m -> assertThat(m.getAsJsonObject().has("progress")).as("only the leader knows progress").isFalse());
        }
    }

    @Test
    void theStatusCallCarriesTheLeadersProgressAndTheLogBounds() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, "memory")) {
            long first = cluster.awaitLeader(Duration.ofSeconds(60));
            cluster.server(first).kv().write(KvCommand.put("k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            List<ManagedChannel> channels = new ArrayList<>();
            try {
                StatusResponse[] answers = new StatusResponse[4];
                for (long id = 1; id <= 3; id++) {
                    channels.add(NettyChannelBuilder.forTarget("127.0.0.1:" + cluster.ports(id).grpc()).usePlaintext().build());
                }
                // Leadership may move on a loaded machine: ask until the three answers agree on one leader.
                TestCluster.await(() -> {
                    for (int id = 1; id <= 3; id++) {
                        answers[id] = KvGrpc.newBlockingStub(channels.get(id - 1)).withDeadlineAfter(10, TimeUnit.SECONDS)
                                .status(StatusRequest.getDefaultInstance());
                    }
                    long leaders = java.util.stream.IntStream.rangeClosed(1, 3).filter(id -> answers[id].getRole().equals("leader")).count();
                    return leaders == 1 && java.util.stream.IntStream.rangeClosed(1, 3)
                            .allMatch(id -> answers[id].getLeaderId() == answers[1].getLeaderId());
                }, Duration.ofSeconds(30), "three Status answers that agree on the leader");
                long leader = answers[1].getLeaderId();
                long follower = leader == 1 ? 2 : 1;
                StatusResponse l = answers[(int) leader];
                assertThat(l.getRole()).isEqualTo("leader");
                assertThat(l.getFailure()).isEmpty();
                assertThat(l.getFirstIndex()).isPositive();
                assertThat(l.getLastIndex()).isGreaterThanOrEqualTo(l.getCommitIndex());
                assertThat(l.getMembersList()).hasSize(3).allSatisfy(m -> {
                    assertThat(m.hasProgress()).isTrue();
                    assertThat(m.getProgress().getState()).isIn("probe", "replicate", "snapshot");
                    assertThat(m.getProgress().getLag()).isEqualTo(l.getLastIndex() - m.getProgress().getMatchIndex());
                });
                StatusResponse f = answers[(int) follower];
                assertThat(f.getRole()).isEqualTo("follower");
                assertThat(f.getLeaderId()).isEqualTo(leader);
                assertThat(f.getMembersList()).extracting(Member::hasProgress).containsOnly(false);
            } finally {
                channels.forEach(ManagedChannel::shutdownNow);
            }
        }
    }
}
