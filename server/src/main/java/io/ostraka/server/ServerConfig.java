package io.ostraka.server;

import io.ostraka.kv.KvLimits;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.kv.rocks.RocksKvOptions;
import io.ostraka.server.HostPorts.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The effective configuration of {@code ostraka server}, resolved from (lowest first) built-in
 * defaults, the timing profile, a YAML file, {@code OSTRAKA_*} environment variables and
 * command-line flags: later wins. Every value remembers where it came from
 * ({@link #describe()} prints it). {@link #load} validates everything before the server binds
 * anything, and reports the first problem as one line naming the setting, the value and the rule.
 */
public final class ServerConfig {
    /** One setting: its flag name, environment variable and YAML key are derived from {@code name}. */
    public enum Setting {
        NODE_ID("node-id", null, "this node's id, > 0"),
        DATA_DIR("data-dir", "./data", "where the log, snapshots and state live"),
        STORAGE("storage", "rocksdb", "state machine storage: rocksdb or memory"),
        ROCKSDB_WAL("rocksdb-wal", "disabled", "RocksDB's own write-ahead log: disabled (the Raft log is replayed after a crash), unsynced or synced"),
        DEV("dev", "false", "development mode: allows a single voter"),
        PROFILE("profile", "default", "timing profile: default, low-latency, wan"),
        HEARTBEAT_MS("heartbeat-ms", null, "leader heartbeat interval (from the profile)"),
        ELECTION_MS("election-ms", null, "election timeout (from the profile)"),
        LEASE_READS("lease-reads", "false", "serve lease reads on the leader"),
        LEASE_DRIFT_MS("lease-drift-ms", null, "how much shorter than the election timeout the lease is (default: one heartbeat)"),
        RESP_LISTEN("resp-listen", "0.0.0.0:6379", "RESP (Redis protocol) listen address"),
        PEER_LISTEN("peer-listen", "0.0.0.0:7379", "peer gRPC listen address"),
        GRPC_LISTEN("grpc-listen", "0.0.0.0:5379", "client gRPC listen address"),
        HTTP_LISTEN("http-listen", "0.0.0.0:8379", "HTTP admin listen address"),
        ADVERTISE_HOST("advertise-host", "127.0.0.1", "host other nodes and clients use to reach this node"),
        INITIAL_MEMBERS("initial-members", null, "id=host:peerPort,... the same on every initial member"),
        JOIN("join", null, "client gRPC address (host:port) of any member to join through (instead of initial-members)"),
        SNAPSHOT_ENTRIES("snapshot-entries", "100000", "snapshot after this many applied entries"),
        SNAPSHOT_BYTES("snapshot-bytes", "0", "also snapshot after this many bytes of applied commands (0: off)"),
        SNAPSHOT_INTERVAL_MS("snapshot-interval-ms", "0", "also snapshot this often if anything was applied (0: off)"),
        TRAILING_ENTRIES("trailing-entries", "5000", "log entries kept behind a snapshot"),
        SEGMENT_BYTES("segment-bytes", Long.toString(64L << 20), "WAL segment size"),
        READ_CONSISTENCY("read-consistency", "linearizable", "default read consistency: linearizable, lease, follower, stale"),
        REQUEST_TIMEOUT_MS("request-timeout-ms", "5000", "requests that take longer fail with TIMEOUT"),
        MAX_VALUE_BYTES("max-value-bytes", Integer.toString(KvLimits.VALUE_BYTES_MAX), "largest accepted value (at most 1 MiB, the store's limit)");

        public final String flag;
        final String defaultValue;
        public final String help;

        Setting(String flag, String defaultValue, String help) {
            this.flag = flag;
            this.defaultValue = defaultValue;
            this.help = help;
        }

        public String env() {
            return "OSTRAKA_" + name();
        }

        /** The default value as text, or null when there is none (required, or derived from another setting). */
        public String defaultValue() {
            return defaultValue;
        }

        public String yamlKey() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A rejected configuration: one line naming the setting, the value and the rule. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(Setting setting, String value, String rule) {
            super("invalid configuration: " + setting.flag + "=" + value + ": " + rule);
        }

        public ConfigException(String message) {
            super("invalid configuration: " + message);
        }
    }

    /** A resolved value and where it came from. */
    public record Value(String value, String source) {}

    public record Member(long id, HostPort peer) {}

    private final Map<Setting, Value> values;

    public final long nodeId;
    public final Path dataDir;
    public final boolean memoryStorage;
    public final RocksKvOptions.WalMode rocksWal;
    public final boolean dev;
    public final Duration heartbeat;
    public final Duration election;
    public final boolean leaseReads;
    public final Duration leaseDrift;
    public final HostPort respListen;
    public final HostPort peerListen;
    public final HostPort grpcListen;
    public final HostPort httpListen;
    public final String advertiseHost;
    public final List<Member> initialMembers;
    public final String join;
    public final long snapshotEntries;
    public final long snapshotBytes;
    public final Duration snapshotInterval;
    public final long trailingEntries;
    public final long segmentBytes;
    public final ReadConsistency readConsistency;
    public final Duration requestTimeout;
    public final int maxValueBytes;
    /** Settings that are legal but probably not what was meant; the server logs each at start. */
    public final List<String> warnings;

    private ServerConfig(Map<Setting, Value> values) {
        this.values = values;
        nodeId = positiveLong(Setting.NODE_ID);
        dataDir = Path.of(string(Setting.DATA_DIR));
        String storage = string(Setting.STORAGE);
        if (!storage.equals("rocksdb") && !storage.equals("memory")) {
            throw invalid(Setting.STORAGE, "must be rocksdb or memory");
        }
        memoryStorage = storage.equals("memory");
        rocksWal = oneOf(Setting.ROCKSDB_WAL, RocksKvOptions.WalMode.class, "must be disabled, unsynced or synced");
        dev = bool(Setting.DEV);
        heartbeat = Duration.ofMillis(millisUpToAnHour(Setting.HEARTBEAT_MS));
        election = Duration.ofMillis(millisUpToAnHour(Setting.ELECTION_MS));
        if (heartbeat.toMillis() * 2 >= election.toMillis()) {
            throw invalid(Setting.HEARTBEAT_MS, "must be less than half of election-ms (" + election.toMillis() + ")");
        }
        leaseReads = bool(Setting.LEASE_READS);
        leaseDrift = values.get(Setting.LEASE_DRIFT_MS) == null ? heartbeat : Duration.ofMillis(nonNegativeLong(Setting.LEASE_DRIFT_MS));
        if (leaseDrift.compareTo(election) >= 0) {
            throw invalid(Setting.LEASE_DRIFT_MS, "must be smaller than election-ms (" + election.toMillis() + ")");
        }
        respListen = hostPort(Setting.RESP_LISTEN);
        peerListen = hostPort(Setting.PEER_LISTEN);
        grpcListen = hostPort(Setting.GRPC_LISTEN);
        httpListen = hostPort(Setting.HTTP_LISTEN);
        checkDistinctPorts();
        advertiseHost = string(Setting.ADVERTISE_HOST);
        if (advertiseHost.isBlank() || advertiseHost.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(Setting.ADVERTISE_HOST, advertiseHost, "must be a host name or IP address");
        }
        parseHostPort(HostPorts.format(advertiseHost, 1), Setting.ADVERTISE_HOST, 1); // bracketed if IPv6
        join = values.get(Setting.JOIN) == null ? null : string(Setting.JOIN);
        if (join != null) {
            parseHostPort(join, Setting.JOIN, 1);
        }
        initialMembers = members();
        snapshotEntries = positiveLong(Setting.SNAPSHOT_ENTRIES);
        snapshotBytes = nonNegativeLong(Setting.SNAPSHOT_BYTES);
        snapshotInterval = Duration.ofMillis(nonNegativeLong(Setting.SNAPSHOT_INTERVAL_MS));
        trailingEntries = nonNegativeLong(Setting.TRAILING_ENTRIES);
        segmentBytes = positiveLong(Setting.SEGMENT_BYTES);
        if (segmentBytes < (1 << 20) || segmentBytes > (1L << 30)) {
            throw invalid(Setting.SEGMENT_BYTES, "must be between 1 MiB and 1 GiB");
        }
        readConsistency = oneOf(Setting.READ_CONSISTENCY, ReadConsistency.class, "must be linearizable, lease, follower or stale");
        requestTimeout = Duration.ofMillis(millisUpToAnHour(Setting.REQUEST_TIMEOUT_MS));
        long maxValue = positiveLong(Setting.MAX_VALUE_BYTES);
        if (maxValue > KvLimits.VALUE_BYTES_MAX) {
            throw invalid(Setting.MAX_VALUE_BYTES, "must be at most " + KvLimits.VALUE_BYTES_MAX + " (1 MiB, the store's limit)");
        }
        maxValueBytes = (int) maxValue;
        checkDataDir();
        warnings = List.copyOf(warnings());
    }

    private List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (Member m : initialMembers) {
            if (m.id() == nodeId && m.peer().port() != peerListen.port() && peerListen.port() != 0) {
                // Not refused: behind a NAT or a proxy the address others dial can differ.
                out.add("initial-members lists this node (" + nodeId + ") at " + m.peer() + ", but peer-listen is "
                        + peerListen + ": the other nodes will dial port " + m.peer().port()
                        + ", which reaches this node only through a port mapping");
            }
        }
        return out;
    }

    /**
     * Resolves and validates: {@code yaml} (may be empty), then {@code env}, then {@code flags}
     * ({@code --name=value} or {@code --name value}; a bare {@code --dev} means true).
     */
    public static ServerConfig load(Map<String, String> yaml, Map<String, String> env, List<String> flags) {
        Map<Setting, Value> values = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            if (s.defaultValue != null) {
                values.put(s, new Value(s.defaultValue, "default"));
            }
        }
        Map<Setting, Value> layered = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : yaml.entrySet()) {
            Setting s = byYamlKey(e.getKey());
            if (layered.put(s, new Value(e.getValue(), "config file")) != null) {
                throw new ConfigException("the config file sets " + s.yamlKey() + " twice (as " + s.yamlKey() + " and "
                        + s.flag + ")");
            }
        }
        for (Setting s : Setting.values()) {
            String v = env.get(s.env());
            if (v != null && !v.isBlank()) { // VAR= is the usual way to unset a variable: not a value
                layered.put(s, new Value(v, "environment " + s.env()));
            }
        }
        layered.putAll(parseFlags(flags));
        Value profile = layered.getOrDefault(Setting.PROFILE, values.get(Setting.PROFILE));
        long[] timing = switch (profile.value()) {
            case "default" -> new long[] {100, 1000};
            case "low-latency" -> new long[] {50, 300};
            case "wan" -> new long[] {500, 3000};
            default -> throw new ConfigException(Setting.PROFILE, profile.value(), "must be default, low-latency or wan");
        };
        values.put(Setting.HEARTBEAT_MS, new Value(Long.toString(timing[0]), "profile " + profile.value()));
        values.put(Setting.ELECTION_MS, new Value(Long.toString(timing[1]), "profile " + profile.value()));
        values.putAll(layered);
        return new ServerConfig(values);
    }

    private static Setting byYamlKey(String key) {
        for (Setting s : Setting.values()) {
            if (s.yamlKey().equals(key) || s.flag.equals(key)) {
                return s;
            }
        }
        throw new ConfigException("unknown setting '" + key + "' in the config file");
    }

    private static Map<Setting, Value> parseFlags(List<String> flags) {
        Map<Setting, Value> out = new LinkedHashMap<>();
        for (int i = 0; i < flags.size(); i++) {
            String arg = flags.get(i);
            if (!arg.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Setting setting = null;
            for (Setting s : Setting.values()) {
                if (s.flag.equals(name)) {
                    setting = s;
                }
            }
            if (setting == null) {
                throw new ConfigException("unknown flag --" + name);
            }
            if (value == null) {
                boolean nextIsValue = i + 1 < flags.size() && !flags.get(i + 1).startsWith("--");
                if (setting == Setting.DEV || setting == Setting.LEASE_READS) {
                    value = nextIsValue && (flags.get(i + 1).equals("true") || flags.get(i + 1).equals("false")) ? flags.get(++i) : "true";
                } else if (nextIsValue) {
                    value = flags.get(++i);
                } else {
                    throw new ConfigException("--" + name + " needs a value");
                }
            }
            out.put(setting, new Value(value, "flag --" + name));
        }
        return out;
    }

    // ---------------------------------------------------------------- typed access

    private String string(Setting s) {
        Value v = values.get(s);
        if (v == null || v.value().isBlank()) {
            throw new ConfigException(s, v == null ? "" : v.value(), "is required (" + s.help + ")");
        }
        return v.value().trim();
    }

    private ConfigException invalid(Setting s, String rule) {
        Value v = values.get(s);
        return new ConfigException(s, v == null ? "" : v.value(), rule);
    }

    private long longValue(Setting s) {
        try {
            return Long.parseLong(string(s));
        } catch (NumberFormatException e) {
            throw invalid(s, "must be a whole number");
        }
    }

    private long positiveLong(Setting s) {
        long v = longValue(s);
        if (v <= 0) {
            throw invalid(s, "must be > 0");
        }
        return v;
    }

    /** A duration in milliseconds, positive and at most an hour (longer ones are mistakes, and overflow in nanoseconds). */
    private long millisUpToAnHour(Setting s) {
        long v = positiveLong(s);
        if (v > 3_600_000) {
            throw invalid(s, "must be at most 3600000 (an hour)");
        }
        return v;
    }

    private long nonNegativeLong(Setting s) {
        long v = longValue(s);
        if (v < 0) {
            throw invalid(s, "must be >= 0");
        }
        return v;
    }

    private boolean bool(Setting s) {
        String v = string(s);
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid(s, "must be true or false");
        }
        return v.equals("true");
    }

    private HostPort hostPort(Setting s) {
        return parseHostPort(string(s), s);
    }

    private HostPort parseHostPort(String text, Setting s) {
        return parseHostPort(text, s, 0);
    }

    /** {@code minPort}: 0 for a listen address (any free port), 1 for an address to connect to. */
    private HostPort parseHostPort(String text, Setting s, int minPort) {
        try {
            return HostPorts.parse(text, minPort);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(s, text, e.getMessage());
        }
    }

    private void checkDistinctPorts() {
        Set<Integer> seen = new HashSet<>();
        for (Setting s : List.of(Setting.RESP_LISTEN, Setting.PEER_LISTEN, Setting.GRPC_LISTEN, Setting.HTTP_LISTEN)) {
            int port = parseHostPort(string(s), s).port();
            if (port != 0 && !seen.add(port)) {
                throw invalid(s, "port " + port + " is already used by another listener of this node");
            }
        }
    }

    private List<Member> members() {
        Value v = values.get(Setting.INITIAL_MEMBERS);
        if (v == null || v.value().isBlank()) {
            if (join == null) {
                throw new ConfigException(Setting.INITIAL_MEMBERS, "", "is required unless --join is given");
            }
            return List.of();
        }
        if (join != null) {
            throw new ConfigException(Setting.JOIN, join, "cannot be combined with initial-members");
        }
        TreeMap<Long, Member> byId = new TreeMap<>();
        Set<String> addresses = new HashSet<>();
        for (String part : v.value().split(",")) {
            String item = part.trim();
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "each member must be id=host:port, got '" + item + "'");
            }
            long id;
            try {
                id = Long.parseLong(item.substring(0, eq));
            } catch (NumberFormatException e) {
                throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "member id '" + item.substring(0, eq) + "' is not a number");
            }
            if (id <= 0) {
                throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "member id " + id + " must be > 0");
            }
            HostPort peer = parseHostPort(item.substring(eq + 1), Setting.INITIAL_MEMBERS, 1);
            if (byId.put(id, new Member(id, peer)) != null) {
                throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "member id " + id + " appears twice");
            }
            if (!addresses.add(peer.toString())) {
                throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "address " + peer + " appears twice");
            }
        }
        if (!byId.containsKey(nodeId)) {
            throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "does not list this node (node-id " + nodeId + ")");
        }
        int voters = byId.size();
        if (!dev && (voters < 3 || voters % 2 == 0)) {
            throw new ConfigException(Setting.INITIAL_MEMBERS, v.value(), "needs an odd number of voters, at least 3 ("
                    + voters + " given; --dev allows fewer)");
        }
        return List.copyOf(byId.values());
    }

    /** The constant of {@code type} a setting names, in any case. */
    private <E extends Enum<E>> E oneOf(Setting setting, Class<E> type, String rule) {
        try {
            return Enum.valueOf(type, string(setting).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(setting, rule);
        }
    }

    private void checkDataDir() {
        try {
            Files.createDirectories(dataDir);
        } catch (Exception e) {
            throw new ConfigException(Setting.DATA_DIR, dataDir.toString(), "cannot be created: " + e.getMessage());
        }
        if (!Files.isDirectory(dataDir) || !Files.isWritable(dataDir)) {
            throw new ConfigException(Setting.DATA_DIR, dataDir.toString(), "must be a writable directory");
        }
    }

    /** The effective configuration, one setting per line with its source. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        for (Setting setting : Setting.values()) {
            Value v = values.get(setting);
            s.append(String.format(Locale.ROOT, "%-20s %-40s (%s)%n", setting.flag,
                    v == null ? "-" : v.value(), v == null ? "unset" : v.source()));
        }
        return s.toString();
    }
}
