package io.ostraka.server.resp;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvConfig;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.node.ErrorCode;
import io.ostraka.node.OstrakaException;
import io.ostraka.server.resp.TinyRespClient.Err;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every RESP command through a real TCP socket against a {@link RespServer} on an ephemeral
 * port, backed by the real KV state machine ({@link LocalKvService}): replies, Redis error
 * wording, sessions and minimum indexes handed to the service, pipelining, ordering with
 * out-of-order completions, error mapping of {@link OstrakaException}s, protocol errors, QUIT
 * and clients that vanish mid-pipeline.
 */
class RespServerTest {
    private final LocalKvService service = new LocalKvService();
    private final List<RespServer> servers = new ArrayList<>();
    private final List<TinyRespClient> clients = new ArrayList<>();
    private RespServer server;

    @BeforeEach
    void start() throws Exception {
        server = startServer(baseConfig());
    }

    @AfterEach
    void stop() throws Exception {
        for (TinyRespClient client : clients) {
            client.close();
        }
        for (RespServer s : servers) {
            s.close();
        }
    }

    static RespServerConfig baseConfig() {
        return RespServerConfig.defaults().withHost("127.0.0.1").withPort(0).withEventLoopThreads(1);
    }

    private RespServer startServer(RespServerConfig config) throws InterruptedException {
        RespServer s = new RespServer(service, config);
        servers.add(s);
        s.start();
        return s;
    }

    private TinyRespClient connect() throws Exception {
        return connect(server);
    }

    private TinyRespClient connect(RespServer s) throws Exception {
        TinyRespClient client = new TinyRespClient(s.port());
        clients.add(client);
        return client;
    }

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("timed out waiting for " + what).isBefore(deadline);
            Thread.yield(); // poll; the condition is set by the server's event loop
        }
    }

    @Test
    void bindsAnEphemeralPort() {
        assertThat(server.port()).isPositive();
    }

    @Test
    void pingEchoAndArity() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("PING")).isEqualTo("PONG");
        assertThat(c.call("ping", "hello")).isEqualTo("hello");
        assertThat(c.call("ECHO", "a b")).isEqualTo("a b");
        assertThat(c.call("PING", "a", "b")).isEqualTo(new Err("ERR wrong number of arguments for 'ping' command"));
        assertThat(c.call("GET")).isEqualTo(new Err("ERR wrong number of arguments for 'get' command"));
        assertThat(c.call("FOO", "x", "y")).isEqualTo(
                new Err("ERR unknown command 'FOO', with args beginning with: 'x' 'y' "));
    }

    @Test
    void setAndGetWithEveryOption() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("SET", "k", "v1")).isEqualTo("OK");
        assertThat(c.call("GET", "k")).isEqualTo("v1");
        assertThat(c.call("GET", "missing")).isNull();
        assertThat(c.call("SET", "k", "v2", "XX", "GET")).isEqualTo("v1");
        assertThat(c.call("SET", "k", "v3", "NX")).isNull();
        assertThat(c.call("SET", "k", "v3", "nx", "get")).isEqualTo("v2");
        assertThat(c.call("GET", "k")).isEqualTo("v2");
        assertThat(c.call("SET", "other", "x", "XX")).isNull();
        assertThat(c.call("SET", "new", "x", "NX")).isEqualTo("OK");
        assertThat(c.call("SET", "k", "v", "NX", "XX")).isEqualTo(new Err("ERR syntax error"));
        assertThat(c.call("SET", "k", "v", "BOGUS")).isEqualTo(new Err("ERR syntax error"));
        assertThat(c.call("SET", "k", "v", "EX")).isEqualTo(new Err("ERR syntax error"));
        for (String[] ttl : new String[][] {{"EX", "10"}, {"PX", "10"}, {"EXAT", "1"}, {"PXAT", "1"}, {"KEEPTTL"}}) {
            List<String> args = new ArrayList<>(List.of("SET", "k", "v"));
            args.addAll(List.of(ttl));
            assertThat(c.call(args.toArray(String[]::new))).isEqualTo(new Err("ERR TTL is not supported yet"));
        }
        assertThat(c.call("GET", "k")).as("nothing written by refused SETs").isEqualTo("v2");
    }

    @Test
    void valuesOverTheStoreLimitAreRefusedAndTheConnectionLives() throws Exception {
        TinyRespClient c = connect();
        Object reply = c.call("SET", "big", "x".repeat(1024 * 1024 + 1));
        assertThat(reply).isInstanceOf(Err.class);
        assertThat(((Err) reply).code()).isEqualTo("ERR");
        assertThat(c.call("PING")).isEqualTo("PONG");
    }

    @Test
    void delExistsMgetMset() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("MSET", "a", "1", "b", "2", "c", "3")).isEqualTo("OK");
        assertThat(c.call("MGET", "a", "b", "zz", "c")).isEqualTo(java.util.Arrays.asList("1", "2", null, "3"));
        assertThat(c.call("EXISTS", "a", "a", "zz")).isEqualTo(2L);
        assertThat(c.call("DEL", "a", "zz", "b", "a")).isEqualTo(2L);
        assertThat(c.call("EXISTS", "a", "b", "c")).isEqualTo(1L);
        assertThat(c.call("MSET", "a")).isEqualTo(new Err("ERR wrong number of arguments for 'mset' command"));
        assertThat(c.call("MSET", "a", "1", "b")).isEqualTo(
                new Err("ERR wrong number of arguments for 'mset' command"));
        assertThat(c.call("DBSIZE")).isEqualTo(1L);
    }

    @Test
    void msetIsOneAtomicBatchInOneSessionWrite() throws Exception {
        TinyRespClient c = connect();
        int before = service.writes().size();
        assertThat(c.call("MSET", "x", "1", "y", "2")).isEqualTo("OK");
        assertThat(service.writes()).hasSize(before + 1);
        assertThat(service.writes().get(before).op()).isInstanceOf(io.ostraka.kv.KvOp.Batch.class);
    }

    @Test
    void delOfMoreKeysThanOneDeleteTakesIsOneBatch() throws Exception {
        TinyRespClient c = connect();
        List<String> args = new ArrayList<>(List.of("DEL"));
        for (int i = 0; i < 2100; i++) {
            args.add("k" + i);
        }
        assertThat(c.call("SET", "k5", "v")).isEqualTo("OK");
        assertThat(c.call("SET", "k2099", "v")).isEqualTo("OK");
        assertThat(c.call(args.toArray(String[]::new))).isEqualTo(2L);
        assertThat(c.call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void counters() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("INCR", "n")).isEqualTo(1L);
        assertThat(c.call("INCRBY", "n", "10")).isEqualTo(11L);
        assertThat(c.call("DECR", "n")).isEqualTo(10L);
        assertThat(c.call("DECRBY", "n", "3")).isEqualTo(7L);
        assertThat(c.call("DECRBY", "n", "-3")).isEqualTo(10L);
        assertThat(c.call("GET", "n")).isEqualTo("10");
        assertThat(c.call("INCRBY", "n", "abc")).isEqualTo(new Err("ERR value is not an integer or out of range"));
        assertThat(c.call("INCRBY", "n", "+1")).isEqualTo(new Err("ERR value is not an integer or out of range"));
        assertThat(c.call("INCRBY", "n", "9223372036854775808"))
                .isEqualTo(new Err("ERR value is not an integer or out of range"));
        assertThat(c.call("SET", "s", "abc")).isEqualTo("OK");
        assertThat(c.call("INCR", "s")).isEqualTo(new Err("ERR value is not an integer or out of range"));
        assertThat(c.call("SET", "max", Long.toString(Long.MAX_VALUE))).isEqualTo("OK");
        assertThat(c.call("INCR", "max")).isEqualTo(new Err("ERR increment or decrement would overflow"));
        assertThat(c.call("DECRBY", "n", "-9223372036854775808")).isEqualTo(new Err("ERR decrement would overflow"));
        assertThat(c.call("GET", "max")).isEqualTo(Long.toString(Long.MAX_VALUE));
    }

    @Test
    @SuppressWarnings("unchecked")
    void scanVisitsEveryKeyOnceWithNumericCursors() throws Exception {
        TinyRespClient c = connect();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 53; i++) {
            String key = (i % 2 == 0 ? "user:" : "item:") + i;
            expected.add(key);
            c.call("SET", key, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int pages = 0;
        do {
            List<Object> page = (List<Object>) c.call("SCAN", cursor, "COUNT", "7");
            cursor = (String) page.get(0);
            assertThat(cursor).matches("[0-9]+");
            for (Object key : (List<Object>) page.get(1)) {
                assertThat(seen.add((String) key)).as("key returned twice: " + key).isTrue();
            }
            pages++;
        } while (!cursor.equals("0"));
        assertThat(seen).isEqualTo(expected);
        assertThat(pages).isEqualTo(8);

        Set<String> users = new HashSet<>();
        cursor = "0";
        do {
            List<Object> page = (List<Object>) c.call("SCAN", cursor, "MATCH", "user:*", "COUNT", "5");
            cursor = (String) page.get(0);
            ((List<Object>) page.get(1)).forEach(k -> users.add((String) k));
        } while (!cursor.equals("0"));
        assertThat(users).hasSize(27).allMatch(k -> k.startsWith("user:"));

        assertThat(((List<Object>) c.call("SCAN", "0", "TYPE", "hash")).get(1)).as("only strings exist")
                .isEqualTo(List.of());
        assertThat(c.call("SCAN", "abc")).isEqualTo(new Err("ERR invalid cursor"));
        assertThat(c.call("SCAN", "0", "COUNT", "0")).isEqualTo(new Err("ERR syntax error"));
        assertThat(c.call("SCAN", "0", "COUNT")).isEqualTo(new Err("ERR syntax error"));
        assertThat(c.call("SCAN", "0", "COUNT", "x")).isEqualTo(new Err("ERR value is not an integer or out of range"));
    }

    /** The next page after the longest key starts one byte past it, beyond the key size limit. */
    @Test
    @SuppressWarnings("unchecked")
    void scanPagesPastAKeyOfTheMaximumLength() throws Exception {
        TinyRespClient c = connect();
        String longest = "a".repeat(io.ostraka.kv.KvLimits.KEY_BYTES_MAX);
        assertThat(c.call("SET", longest, "1")).isEqualTo("OK");
        assertThat(c.call("SET", "b", "2")).isEqualTo("OK");
        List<Object> first = (List<Object>) c.call("SCAN", "0", "COUNT", "1");
        assertThat((List<Object>) first.get(1)).containsExactly(longest);
        List<Object> second = (List<Object>) c.call("SCAN", (String) first.get(0), "COUNT", "1");
        assertThat((List<Object>) second.get(1)).containsExactly("b");
        assertThat(second.get(0)).as("the scan is complete").isEqualTo("0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void keysIsBoundedByTheConfiguredMaximum() throws Exception {
        TinyRespClient c = connect();
        for (int i = 0; i < 12; i++) {
            c.call("SET", "k" + i, "v");
        }
        c.call("SET", "other", "v");
        assertThat((List<?>) c.call("KEYS", "*")).hasSize(13);
        assertThat((List<Object>) c.call("KEYS", "k1*")).containsExactlyInAnyOrder("k1", "k10", "k11");
        assertThat((List<?>) c.call("KEYS", "k?")).hasSize(10);
        assertThat((List<Object>) c.call("KEYS", "[o]th*")).containsExactly("other");

        RespServer small = startServer(baseConfig().withKeyLimits(1024, 10, 5));
        TinyRespClient s = connect(small);
        assertThat(s.call("KEYS", "*")).isEqualTo(new Err("ERR KEYS would examine more than 10 keys or 4 MiB of keys and values; use SCAN"));
        assertThat((List<?>) s.call("KEYS", "k1*")).hasSize(3);
        List<?> page = (List<?>) s.call("SCAN", "0", "COUNT", "1000");
        assertThat((List<?>) page.get(1)).as("COUNT is capped by scanCountMax").hasSize(5);
    }

    @Test
    void casAndVersions() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("OSTRAKA.CAS", "k", "0", "a")).isEqualTo(1L);
        assertThat(c.call("OSTRAKA.CAS", "k", "0", "b")).isEqualTo(
                new Err("CONFLICT expected version 0 but the current version is 1"));
        assertThat(c.call("OSTRAKA.CAS", "k", "1", "b")).isEqualTo(2L);
        assertThat(c.call("OSTRAKA.CAS", "k", "-1", "b")).isEqualTo(
                new Err("ERR value is not an integer or out of range"));
        long index = service.index(); // created two writes ago (the refused CAS took an index too)
        assertThat(c.call("OSTRAKA.GETV", "k")).isEqualTo(List.of("b", 2L, index - 2, index));
        assertThat(c.call("OSTRAKA.GETV", "missing")).isNull();
        assertThat(c.call("OSTRAKA.CAS", "missing", "3", "x")).isEqualTo(
                new Err("CONFLICT expected version 3 but the current version is 0"));
    }

    @Test
    void consistencyIsPerConnectionAndReachesTheService() throws Exception {
        TinyRespClient c = connect();
        TinyRespClient other = connect();
        assertThat(c.call("OSTRAKA.CONSISTENCY")).isEqualTo("linearizable");
        assertThat(c.call("OSTRAKA.CONSISTENCY", "stale")).isEqualTo("OK");
        assertThat(c.call("OSTRAKA.CONSISTENCY")).isEqualTo("stale");
        assertThat(other.call("OSTRAKA.CONSISTENCY")).isEqualTo("linearizable");
        c.call("GET", "k");
        assertThat(service.readConsistencies()).last().isEqualTo(ReadConsistency.STALE);
        other.call("GET", "k");
        assertThat(service.readConsistencies()).last().isEqualTo(ReadConsistency.LINEARIZABLE);
        for (String level : List.of("LEASE", "follower", "linearizable")) {
            assertThat(c.call("OSTRAKA.CONSISTENCY", level)).isEqualTo("OK");
        }
        assertThat(((Err) c.call("OSTRAKA.CONSISTENCY", "eventual")).message()).startsWith("ERR unknown consistency");
    }

    @Test
    void eachConnectionWritesInItsOwnSessionWithConsecutiveSequences() throws Exception {
        TinyRespClient a = connect();
        TinyRespClient b = connect();
        a.call("SET", "x", "1");
        b.call("SET", "x", "2");
        a.call("INCR", "n");
        b.call("DEL", "x");
        a.call("MSET", "p", "1", "q", "2");
        Map<Long, List<Long>> sequences = new TreeMap<>();
        for (KvCommand write : service.writes()) {
            assertThat(write.hasSession()).isTrue();
            sequences.computeIfAbsent(write.sessionId(), id -> new ArrayList<>()).add(write.sequence());
        }
        assertThat(sequences).hasSize(2);
        assertThat(sequences.values()).containsExactlyInAnyOrder(List.of(1L, 2L, 3L), List.of(1L, 2L));
    }

    @Test
    void readsNeverAskForLessThanTheConnectionHasSeen() throws Exception {
        TinyRespClient c = connect();
        c.call("SET", "a", "1");
        long afterWrite = service.index();
        c.call("GET", "a");
        assertThat(service.readMinIndexes()).last().isEqualTo(afterWrite);
        TinyRespClient other = connect();
        other.call("SET", "b", "1");
        other.call("SET", "b", "2");
        c.call("GET", "b"); // observes the newer state
        c.call("GET", "a");
        assertThat(service.readMinIndexes()).last().isEqualTo(service.index());
    }

    @Test
    @SuppressWarnings("unchecked")
    void serverAndConnectionCommands() throws Exception {
        TinyRespClient c = connect();
        c.call("SET", "k", "v");
        String info = (String) c.call("INFO");
        assertThat(info).contains("# Server", "tcp_port:" + server.port(), "# Clients", "connected_clients:1",
                "# Raft", "role:leader", "# Keyspace", "db0:keys=1,expires=0,avg_ttl=0");
        assertThat((String) c.call("INFO", "raft")).startsWith("# Raft").contains("leader_id:1")
                .doesNotContain("# Server");
        assertThat((String) c.call("INFO", "keyspace")).isEqualTo("# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n");
        assertThat(c.call("INFO", "nosuchsection")).isEqualTo("");
        assertThat(c.call("CLIENT", "ID")).isInstanceOf(Long.class);
        assertThat(c.call("CLIENT", "GETNAME")).isNull();
        assertThat(c.call("CLIENT", "SETNAME", "worker-1")).isEqualTo("OK");
        assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("worker-1");
        assertThat(c.call("CLIENT", "SETNAME", "a b")).isInstanceOf(Err.class);
        assertThat((String) c.call("CLIENT", "INFO")).startsWith("id=").contains("name=worker-1", "db=0");
        assertThat(c.call("CLIENT", "SETINFO", "lib-name", "x")).isEqualTo("OK");
        assertThat(((Err) c.call("CLIENT", "KILL")).message()).startsWith("ERR unknown subcommand 'KILL'");
        assertThat(c.call("SELECT", "0")).isEqualTo("OK");
        assertThat(c.call("SELECT", "1")).isEqualTo(new Err("ERR DB index is out of range"));
        assertThat(c.call("SELECT", "x")).isEqualTo(new Err("ERR value is not an integer or out of range"));
        assertThat((Long) c.call("COMMAND", "COUNT")).isGreaterThan(25L);
        assertThat(c.call("COMMAND", "DOCS")).isEqualTo(List.of());
        assertThat((List<?>) c.call("COMMAND")).hasSize(((Long) c.call("COMMAND", "COUNT")).intValue());
        assertThat((List<?>) c.call("COMMAND", "INFO", "get", "nope")).hasSize(2).last().isNull();
        assertThat(((List<Object>) c.call("COMMAND", "INFO", "mset")).get(0))
                .isEqualTo(List.of("mset", -3L, List.of("write"), 1L, -1L, 2L));
        assertThat(c.call("HELLO", "3")).isEqualTo(new Err("NOPROTO unsupported protocol version"));
        assertThat((List<Object>) c.call("HELLO", "2", "SETNAME", "h")).containsSequence("proto", 2L);
        assertThat(c.call("HELLO", "2", "SETNAME", "a b"))
                .isEqualTo(new Err("ERR Client names cannot contain spaces, newlines or special characters."));
        assertThat(c.call("CLIENT", "GETNAME")).isEqualTo("h");
        assertThat(c.call("CONFIG", "GET", "save")).isEqualTo(List.of());
        @SuppressWarnings("unchecked") List<Object> status = (List<Object>) c.call("OSTRAKA.STATUS");
        assertThat(status).containsSequence("role", "leader");
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        TinyRespClient c = connect();
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            pipeline.writeBytes(TinyRespClient.encode("SET", "key" + i, "value" + i));
            pipeline.writeBytes(TinyRespClient.encode("GET", "key" + i));
            pipeline.writeBytes(TinyRespClient.encode("PING"));
        }
        c.sendRaw(pipeline.toByteArray());
        for (int i = 0; i < n; i++) {
            assertThat(c.read()).isEqualTo("OK");
            assertThat(c.read()).isEqualTo("value" + i);
            assertThat(c.read()).isEqualTo("PONG");
        }
        assertThat(c.call("DBSIZE")).isEqualTo((long) n);
    }

    @Test
    void repliesStayInOrderWhenTheServiceCompletesOutOfOrder() throws Exception {
        TinyRespClient c = connect();
        c.call("MSET", "a", "1", "b", "2", "c", "3");
        service.hold();
        c.send("MGET", "a", "b", "c");
        c.send("PING");
        await("three held reads", () -> service.heldCount() == 3);
        service.release(true);
        assertThat(c.read()).isEqualTo(List.of("1", "2", "3"));
        assertThat(c.read()).isEqualTo("PONG");

        service.hold();
        c.send("SET", "x", "1");
        c.send("GET", "x");
        c.send("ECHO", "after");
        await("the SET held", () -> service.heldCount() == 1);
        assertThat(service.heldCount()).as("the GET waits for the SET before it").isEqualTo(1);
        service.release(false);
        assertThat(c.read()).isEqualTo("OK");
        assertThat(c.read()).isEqualTo("1");
        assertThat(c.read()).isEqualTo("after");
    }

    @Test
    void backpressureWithATinyPendingLimitLosesNothing() throws Exception {
        RespServer small = startServer(baseConfig().withPendingCommandsMax(4));
        TinyRespClient c = connect(small);
        c.call("SET", "k", "v");
        service.hold();
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            pipeline.writeBytes(TinyRespClient.encode("GET", "k"));
        }
        c.sendRaw(pipeline.toByteArray());
        await("the first GET held", () -> service.heldCount() == 1);
        service.release(false);
        for (int i = 0; i < 3000; i++) {
            assertThat(c.read()).isEqualTo("v");
        }
    }

    @Test
    void operationalErrorsMapToRedisErrorCodes() throws Exception {
        TinyRespClient c = connect();
        Map<OstrakaException, String> cases = Map.of(
                OstrakaException.notLeader(2, "10.0.0.2:6379"), "NOTLEADER 10.0.0.2:6379",
                OstrakaException.notLeader(0, null), "NOTLEADER",
                new OstrakaException(ErrorCode.NO_QUORUM, "no quorum"), "TRYAGAIN no quorum",
                new OstrakaException(ErrorCode.TIMEOUT, "timed out"), "TRYAGAIN timed out",
                new OstrakaException(ErrorCode.STOPPED, "bye"), "ERR node is stopped: bye",
                new OstrakaException(ErrorCode.INVALID_REQUEST, "bad"), "ERR bad");
        for (Map.Entry<OstrakaException, String> e : cases.entrySet()) {
            service.failNext(e.getKey());
            assertThat(c.call("GET", "k")).isEqualTo(new Err(e.getValue()));
            service.failNext(e.getKey());
            assertThat(c.call("SET", "k", "v")).isEqualTo(new Err(e.getValue()));
        }
        assertThat(c.call("PING")).isEqualTo("PONG");
    }

    @Test
    void protocolErrorIsAnsweredAfterEarlierRepliesThenTheConnectionCloses() throws Exception {
        TinyRespClient c = connect();
        c.sendRaw("PING\r\n*1\r\n$-5\r\n*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.read()).isEqualTo("PONG");
        assertThat(c.read()).isEqualTo(new Err("ERR Protocol error: invalid bulk length"));
        assertThat(c.closedByServer()).isTrue();
        TinyRespClient again = connect();
        assertThat(again.call("PING")).isEqualTo("PONG");
    }

    @Test
    void oversizedBulkIsRefusedWithoutReadingIt() throws Exception {
        RespServer small = startServer(baseConfig().withDecoderLimits(1024, 4096, 16, 256));
        TinyRespClient c = connect(small);
        c.sendRaw("*2\r\n$4\r\nECHO\r\n$999999999\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.read()).isEqualTo(new Err("ERR Protocol error: invalid bulk length"));
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void quitAnswersOkAndCloses() throws Exception {
        TinyRespClient c = connect();
        c.send("QUIT");
        c.send("PING");
        assertThat(c.read()).isEqualTo("OK");
        assertThat(c.closedByServer()).isTrue();
    }

    @Test
    void inlineCommandsWork() throws Exception {
        TinyRespClient c = connect();
        c.sendRaw("SET greeting \"hello world\"\r\nGET greeting\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(c.read()).isEqualTo("OK");
        assertThat(c.read()).isEqualTo("hello world");
    }

    @Test
    void clientVanishingMidPipelineLeavesTheServerHealthy() throws Exception {
        TinyRespClient c = connect();
        service.hold();
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            pipeline.writeBytes(TinyRespClient.encode("SET", "k" + i, "v"));
        }
        c.sendRaw(pipeline.toByteArray());
        await("a write held", () -> service.heldCount() == 1);
        c.close();
        service.release(false);
        await("the connection to close", () -> server.connectionCount() == 0);
        TinyRespClient next = connect();
        // A closed client cannot be told from one that only shut down its write side until a
        // reply bounces (RST), so, as in Redis, commands it sent before going may still run.
        assertThat((Long) next.call("DBSIZE")).as("the write in flight, and maybe those after it").isBetween(1L, 200L);
        assertThat(next.call("PING")).isEqualTo("PONG");
    }

    @Test
    void idleConnectionsStayOpen() throws Exception {
        TinyRespClient idle = connect();
        TinyRespClient busy = connect();
        for (int i = 0; i < 100; i++) {
            busy.call("INCR", "n");
        }
        assertThat(idle.call("GET", "n")).isEqualTo("100");
    }

    @Test
    void closeStopsEverything() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("PING")).isEqualTo("PONG");
        assertThat(respThreads()).isPositive();
        server.close();
        assertThat(c.closedByServer()).isTrue();
        assertThat(respThreads()).as("event loop threads stopped").isZero();
        server.close(); // idempotent
    }

    private static long respThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ostraka-resp")).count();
    }

    @Test
    void aSlowReaderPausesItsConnectionAndLosesNothing() throws Exception {
        RespServer small = startServer(baseConfig().withWriteBufferHighBytes(16 * 1024));
        TinyRespClient c = connect(small);
        String value = "v".repeat(100 * 1024);
        c.call("SET", "big", value);
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        int n = 300; // 30 MB of replies: far more than socket buffers hold
        for (int i = 0; i < n; i++) {
            pipeline.writeBytes(TinyRespClient.encode("GET", "big"));
        }
        c.sendRaw(pipeline.toByteArray());
        for (int i = 0; i < n; i++) {
            assertThat(c.read()).isEqualTo(value);
        }
    }

    @Test
    void clientVanishingMidCommandLeavesTheServerHealthy() throws Exception {
        TinyRespClient c = connect();
        c.sendRaw("*2\r\n$4\r\nECHO\r\n$100\r\nabc".getBytes(StandardCharsets.US_ASCII));
        c.close();
        await("the connection to close", () -> server.connectionCount() == 0);
        assertThat(connect().call("PING")).isEqualTo("PONG");
    }

    @Test
    void anExpiredSessionIsReplacedAndTheWriteAppliedOnce() throws Exception {
        LocalKvService forgetful = new LocalKvService(new KvConfig(2, 100));
        RespServer s = new RespServer(forgetful, baseConfig());
        servers.add(s);
        s.start();
        TinyRespClient a = connect(s);
        TinyRespClient b = connect(s);
        assertThat(a.call("INCR", "n")).isEqualTo(1L);
        for (int i = 0; i < 3; i++) {
            b.call("SET", "other", "x"); // a's session idles past 2 indexes and expires
        }
        assertThat(a.call("INCR", "n")).isEqualTo(2L);
        List<KvCommand> writes = forgetful.writes();
        KvCommand expired = writes.get(writes.size() - 2);
        KvCommand renewed = writes.get(writes.size() - 1);
        assertThat(expired.sequence()).isEqualTo(2);
        assertThat(renewed.sessionId()).isNotEqualTo(expired.sessionId());
        assertThat(renewed.sequence()).isEqualTo(1);
        assertThat(a.call("GET", "n")).isEqualTo("2");
        assertThat(forgetful.sessionsOpened()).as("a's first, b's, a's renewed").isEqualTo(3);
    }
}
