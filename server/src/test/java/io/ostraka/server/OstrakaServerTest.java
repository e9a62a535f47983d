package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;
import io.ostraka.kv.ReadConsistency;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole server process in one JVM (single voter, --dev) on RocksDB: it takes snapshots as
 * writes go by — RocksDB checkpoints are directories inside snapshot directories, which once
 * stopped the group at its first snapshot — keeps serving, and after a restart comes back with
 * every acknowledged write.
 */
class OstrakaServerTest {
    @TempDir
    Path dir;

    private ServerConfig config(String storage) {
        return ServerConfig.load(Map.of(), Map.of(), List.of("--node-id", "1", "--dev", "--data-dir", dir.toString(),
                "--storage", storage, "--snapshot-entries", "20", "--trailing-entries", "5",
                "--initial-members", "1=127.0.0.1:7999", "--peer-listen", "127.0.0.1:0", "--resp-listen", "127.0.0.1:0",
                "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--profile", "low-latency"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void snapshotsOnRocksDbKeepTheServerServingAndARestartLosesNothing() throws Exception {
        long session;
        try (OstrakaServer server = OstrakaServer.start(config("rocksdb"))) {
            server.group().awaitLeader(Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
            session = server.kv().write(KvCommand.openSession()).get(20, TimeUnit.SECONDS).result().integer();
            for (int i = 0; i < 100; i++) {
                KvService.Result r = server.kv().write(KvCommand.put(utf8("k" + (i % 10)), utf8("v" + i))
                                .withSession(session, i + 1))
                        .get(20, TimeUnit.SECONDS);
                assertThat(r.result().status()).isEqualTo(KvStatus.OK);
            }
            assertThat(server.group().failure()).isNull();
            // A snapshot the policy calls for is taken a little after it falls due (prepareSnapshot).
            TestCluster.await(() -> server.group().status().firstIndex() > 1, Duration.ofSeconds(20),
                    "a snapshot and the compaction behind it");
            try (var dirs = Files.list(dir.resolve("raft/snapshots/1"))) {
                assertThat(dirs.count()).as("snapshots were taken").isGreaterThanOrEqualTo(1);
            }
        }
        try (OstrakaServer restarted = OstrakaServer.start(config("rocksdb"))) {
            restarted.group().awaitLeader(Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
            KvResult value = restarted.kv().read(new KvOp.Get(utf8("k9")), ReadConsistency.LINEARIZABLE, 0)
                    .get(20, TimeUnit.SECONDS).result();
            assertThat(new String(value.value(), StandardCharsets.UTF_8)).isEqualTo("v99");
            KvService.Result retried = restarted.kv().write(KvCommand.put(utf8("k9"), utf8("v99")).withSession(session, 100))
                    .get(20, TimeUnit.SECONDS);
            assertThat(retried.result().version()).as("a retried write is answered from its session, not applied again")
                    .isEqualTo(value.version());
        }
    }

    /** A port in use is a configuration error naming the setting: one line, no stack trace. */
    @Test
    void aListenAddressInUseIsOneLineNamingTheSetting() throws Exception {
        for (String flag : List.of("--resp-listen", "--peer-listen", "--grpc-listen", "--http-listen")) {
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
                String address = "127.0.0.1:" + taken.getLocalPort();
                List<String> flags = new java.util.ArrayList<>(List.of("--node-id", "1", "--dev", "--data-dir", dir.toString(),
                        "--storage", "memory", "--initial-members", "1=127.0.0.1:7999", "--peer-listen", "127.0.0.1:0",
                        "--resp-listen", "127.0.0.1:0", "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"));
                flags.set(flags.indexOf(flag) + 1, address);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> OstrakaServer.start(ServerConfig.load(Map.of(), Map.of(), flags)))
                        .isInstanceOf(ServerConfig.ConfigException.class)
                        .hasMessage("invalid configuration: " + flag.substring(2) + "=" + address + ": address already in use");
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused() throws Exception {
        try (OstrakaServer server = OstrakaServer.start(config("memory"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OstrakaServer.start(config("memory")))
                    .isInstanceOf(ServerConfig.ConfigException.class)
                    .hasMessageContaining("data-dir").hasMessageContaining("used by another running node");
            assertThat(server.group()).isNotNull();
        }
    }
}
