package io.ostraka.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every validation rule of the server configuration, table-driven: a bad value is refused with
 * one line naming the setting, the value and the rule — before anything binds. Plus layering
 * (defaults < profile < file < environment < flags) with the source of each value.
 */
class ServerConfigTest {
    @TempDir
    static Path dir;

    private static List<String> valid(String... overrides) {
        List<String> flags = new ArrayList<>(List.of("--node-id", "1", "--data-dir", dir.resolve("d").toString(),
                "--initial-members", "1=h1:7379,2=h2:7379,3=h3:7379"));
        flags.addAll(List.of(overrides));
        return flags;
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(List.of("--node-id", "0"), "node-id=0: must be > 0"),
                Arguments.of(List.of("--node-id", "x"), "node-id=x: must be a whole number"),
                Arguments.of(List.of("--initial-members", "2=h2:7379,3=h3:7379,4=h4:7379"), "does not list this node"),
                Arguments.of(List.of("--initial-members", "1=h1:7379,1=h2:7379,3=h3:7379"), "member id 1 appears twice"),
                Arguments.of(List.of("--initial-members", "1=h1:7379,2=h1:7379,3=h3:7379"), "address h1:7379 appears twice"),
                Arguments.of(List.of("--initial-members", "1=h1:7379,2=h2:7379"), "needs an odd number of voters, at least 3"),
                Arguments.of(List.of("--initial-members", "1=h1"), "must be host:port"),
                Arguments.of(List.of("--initial-members", "1=h1:99999,2=h2:1,3=h3:1"), "port must be in 1..65535"),
                Arguments.of(List.of("--initial-members", "1=h1:0,2=h2:1,3=h3:1"), "port must be in 1..65535"),
                Arguments.of(List.of("--resp-listen", "localhost:-0"), "resp-listen=localhost:-0: port must be a number in 0..65535"),
                Arguments.of(List.of("--resp-listen", "localhost:+5379"), "port must be a number in 0..65535"),
                Arguments.of(List.of("--peer-listen", "::1:7379"), "peer-listen=::1:7379: an IPv6 address must be bracketed"),
                Arguments.of(List.of("--advertise-host", "my host"), "advertise-host=my host: must be a host name or IP address"),
                Arguments.of(List.of("--advertise-host", "[h]"), "brackets are for IPv6 literals"),
                Arguments.of(List.of("--initial-members", "", "--join", "::1:35379"), "join=::1:35379: an IPv6 address must be bracketed"),
                Arguments.of(List.of("--initial-members", "", "--join", "not a host"), "join=not a host: must be host:port"),
                Arguments.of(List.of("--max-value-bytes", "2000000"), "max-value-bytes=2000000: must be at most 1048576"),
                Arguments.of(List.of("--heartbeat-ms", "500"), "heartbeat-ms=500: must be less than half of election-ms"),
                Arguments.of(List.of("--heartbeat-ms", "9223372036854775807"), "heartbeat-ms=9223372036854775807: must be at most 3600000"),
                Arguments.of(List.of("--request-timeout-ms", "92233720368548"), "request-timeout-ms=92233720368548: must be at most 3600000"),
                Arguments.of(List.of("--heartbeat-ms", "600"), "heartbeat-ms=600: must be less than half of election-ms"),
                Arguments.of(List.of("--lease-drift-ms", "1000"), "lease-drift-ms=1000: must be smaller than election-ms"),
                Arguments.of(List.of("--storage", "tape"), "storage=tape: must be rocksdb or memory"),
                Arguments.of(List.of("--rocksdb-wal", "sometimes"), "rocksdb-wal=sometimes: must be disabled, unsynced or synced"),
                Arguments.of(List.of("--profile", "fast"), "profile=fast: must be default, low-latency or wan"),
                Arguments.of(List.of("--read-consistency", "eventual"), "read-consistency=eventual"),
                Arguments.of(List.of("--resp-listen", "0.0.0.0:7379"), "already used by another listener"),
                Arguments.of(List.of("--grpc-listen", "nohost"), "grpc-listen=nohost: must be host:port"),
                Arguments.of(List.of("--segment-bytes", "1000"), "segment-bytes=1000: must be between 1 MiB and 1 GiB"),
                Arguments.of(List.of("--snapshot-bytes", "-1"), "snapshot-bytes=-1: must be >= 0"),
                Arguments.of(List.of("--snapshot-interval-ms", "soon"), "snapshot-interval-ms=soon: must be a whole number"),
                Arguments.of(List.of("--join", "h9:7379"), "join=h9:7379: cannot be combined with initial-members"),
                Arguments.of(List.of("--bogus", "1"), "unknown flag --bogus"),
                Arguments.of(List.of("--data-dir", "/proc/ostraka-cannot-exist"), "data-dir=/proc/ostraka-cannot-exist: cannot be created"));
    }

    @org.junit.jupiter.api.Test
    void thisNodesOwnMemberEntryOnAnotherPortThanPeerListenIsAWarningNotAnError() {
        ServerConfig matching = ServerConfig.load(Map.of(), Map.of(), valid("--peer-listen", "0.0.0.0:7379"));
        assertThat(matching.warnings).isEmpty();
        ServerConfig ephemeral = ServerConfig.load(Map.of(), Map.of(), valid("--peer-listen", "127.0.0.1:0"));
        assertThat(ephemeral.warnings).isEmpty();
        ServerConfig mapped = ServerConfig.load(Map.of(), Map.of(), valid("--peer-listen", "0.0.0.0:7381"));
        assertThat(mapped.warnings).singleElement().asString()
                .contains("initial-members lists this node (1) at h1:7379, but peer-listen is 0.0.0.0:7381")
                .contains("will dial port 7379");
    }

    @org.junit.jupiter.api.Test
    void aSettingTwiceInTheFileIsRefusedAndABlankVariableIsUnset() {
        java.util.Map<String, String> yaml = new java.util.LinkedHashMap<>();
        yaml.put("node_id", "1");
        yaml.put("node-id", "2");
        assertThatThrownBy(() -> ServerConfig.load(yaml, Map.of(), valid()))
                .isInstanceOf(ServerConfig.ConfigException.class).hasMessageContaining("sets node_id twice");
        ServerConfig config = ServerConfig.load(Map.of(), Map.of("OSTRAKA_JOIN", "", "OSTRAKA_ADVERTISE_HOST", " "), valid());
        assertThat(config.join).isNull();
        assertThat(config.advertiseHost).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void eachRuleRejectsWithOneLineNamingTheSetting(List<String> overrides, String expected) {
        assertThatThrownBy(() -> ServerConfig.load(Map.of(), Map.of(), valid(overrides.toArray(new String[0]))))
                .isInstanceOf(ServerConfig.ConfigException.class)
                .hasMessageStartingWith("invalid configuration: ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @org.junit.jupiter.api.Test
    void devModeAllowsASingleVoter() {
        ServerConfig c = ServerConfig.load(Map.of(), Map.of(), List.of("--node-id", "1", "--dev", "--data-dir",
                dir.resolve("dev").toString(), "--initial-members", "1=127.0.0.1:7379"));
        assertThat(c.initialMembers).hasSize(1);
        assertThat(c.dev).isTrue();
    }

    @org.junit.jupiter.api.Test
    void laterSourcesWinAndEachValueRemembersWhereItCameFrom() {
        ServerConfig c = ServerConfig.load(
                Map.of("storage", "memory", "snapshot_entries", "100", "profile", "wan"),
                Map.of("OSTRAKA_SNAPSHOT_ENTRIES", "200", "OSTRAKA_LEASE_READS", "true", "OSTRAKA_ROCKSDB_WAL", "unsynced"),
                valid("--snapshot-entries", "300"));
        assertThat(c.memoryStorage).isTrue();
        assertThat(c.rocksWal).isEqualTo(io.ostraka.kv.rocks.RocksKvOptions.WalMode.UNSYNCED);
        assertThat(c.snapshotEntries).isEqualTo(300);
        assertThat(c.leaseReads).isTrue();
        assertThat(c.heartbeat.toMillis()).isEqualTo(500);
        assertThat(c.election.toMillis()).isEqualTo(3000);
        assertThat(c.describe()).contains("config file").contains("environment OSTRAKA_LEASE_READS").contains("flag --snapshot-entries")
                .contains("profile wan").contains("default");
    }
}
