package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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

    @Test
    void theLeaderAndAFollowerDescribeTheClusterInJson() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, "memory", "--snapshot-entries", "10")) {
            long leader = cluster.awaitLeader(Duration.ofSeconds(60));
            long follower = leader == 1 ? 2 : 1;
            for (int i = 0; i < 15; i++) {
                cluster.server(leader).kv().write(KvCommand.put(("k" + i).getBytes(StandardCharsets.UTF_8),
                        "v".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            int leaderHttp = cluster.ports(leader).http();
            int followerHttp = cluster.ports(follower).http();
            // Other members' client addresses are learned by asking them once: the first look may lack them.
            TestCluster.await(() -> {
                try {
                    return everyMemberHasAllAddresses(status(http, leaderHttp))
                            && everyMemberHasAllAddresses(status(http, followerHttp))
                            && !status(http, followerHttp).get("snapshot").isJsonNull();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(30), "every member's addresses and a snapshot on the follower");

            JsonObject l = status(http, leaderHttp);
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
            long first = l.get("first_index").getAsLong();
            long last = l.get("last_index").getAsLong();
            long commit = l.get("commit_index").getAsLong();
            long applied = l.get("applied_index").getAsLong();
            assertThat(commit).isGreaterThanOrEqualTo(15);
            assertThat(first).isLessThanOrEqualTo(applied);
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

            JsonObject f = status(http, followerHttp);
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
            long leader = cluster.awaitLeader(Duration.ofSeconds(60));
            long follower = leader == 1 ? 2 : 1;
            cluster.server(leader).kv().write(KvCommand.put("k".getBytes(StandardCharsets.UTF_8),
                    "v".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            List<ManagedChannel> channels = new ArrayList<>();
            try {
                ManagedChannel toLeader = NettyChannelBuilder.forTarget("127.0.0.1:" + cluster.ports(leader).grpc()).usePlaintext().build();
                ManagedChannel toFollower = NettyChannelBuilder.forTarget("127.0.0.1:" + cluster.ports(follower).grpc()).usePlaintext().build();
                channels.add(toLeader);
                channels.add(toFollower);
                StatusResponse l = KvGrpc.newBlockingStub(toLeader).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .status(StatusRequest.getDefaultInstance());
                assertThat(l.getRole()).isEqualTo("leader");
                assertThat(l.getFailure()).isEmpty();
                assertThat(l.getFirstIndex()).isPositive();
                assertThat(l.getLastIndex()).isGreaterThanOrEqualTo(l.getCommitIndex());
                assertThat(l.getMembersList()).hasSize(3).allSatisfy(m -> {
                    assertThat(m.hasProgress()).isTrue();
                    assertThat(m.getProgress().getState()).isIn("probe", "replicate", "snapshot");
                    assertThat(m.getProgress().getLag()).isEqualTo(l.getLastIndex() - m.getProgress().getMatchIndex());
                });
                StatusResponse f = KvGrpc.newBlockingStub(toFollower).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .status(StatusRequest.getDefaultInstance());
                assertThat(f.getRole()).isEqualTo("follower");
                assertThat(f.getLeaderId()).isEqualTo(leader);
                assertThat(f.getMembersList()).extracting(Member::hasProgress).containsOnly(false);
            } finally {
                channels.forEach(ManagedChannel::shutdownNow);
            }
        }
    }
}
