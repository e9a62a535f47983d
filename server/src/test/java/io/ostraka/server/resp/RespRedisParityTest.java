package io.ostraka.server.resp;

import io.ostraka.server.resp.TinyRespClient.Err;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies that differed from Redis 7.0 (checked against redis-server 7.0.15 by a review) for
 * commands docs/resp.md says Ostraka supports, and a client that half-closes its connection.
 * Each test states what Redis answers.
 */
class RespRedisParityTest {
    private final LocalKvService service = new LocalKvService();
    private RespServer server;
    private final List<TinyRespClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new RespServer(service, RespServerTest.baseConfig());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (TinyRespClient c : clients) {
            c.close();
        }
        server.close();
    }

    private TinyRespClient connect() throws Exception {
        TinyRespClient c = new TinyRespClient(server.port());
        clients.add(c);
        return c;
    }

    /** Redis: in a class, "x-" followed by ']' is a range x..']' (stringmatchlen only checks pattern[1] == '-'). */
    @Test
    void keysClassRangeEndingInBracketMatchesLikeRedis() throws Exception {
        TinyRespClient c = connect();
        for (String k : List.of("-", "a", "]", "^")) {
            assertThat(c.call("SET", k, "1")).isEqualTo("OK");
        }
        // redis-server 7.0.15: KEYS [a-] -> "]", "^", "a" (the range ']'..'a'); "-" does not match.
        assertThat((List<Object>) c.call("KEYS", "[a-]")).containsExactlyInAnyOrder("]", "^", "a");
    }

    /** Redis's sdssplitargs ends an unquoted word only at ' ', \n, \r, \t (not \v or \f). */
    @Test
    void inlineVerticalTabAndFormFeedDoNotSplitAnUnquotedWord() throws Exception {
        TinyRespClient c = connect();
        c.sendRaw("ECHO a\u000bb\r\nECHO c\u000cd\r\n".getBytes(StandardCharsets.US_ASCII));
        // redis-server 7.0.15: $3 "a\vb", then $3 "c\fd"
        assertThat(c.read()).isEqualTo("a\u000bb");
        assertThat(c.read()).isEqualTo("c\u000cd");
    }

    /** Redis 7.0 INFO takes several sections and returns each of them. */
    @Test
    void infoWithSeveralSectionsReturnsEachOfThem() throws Exception {
        TinyRespClient c = connect();
        String info = (String) c.call("INFO", "clients", "keyspace");
        assertThat(info).contains("# Clients").contains("# Keyspace");
    }

    /** Redis 7.0: COMMAND INFO without names describes every command. */
    @Test
    void commandInfoWithoutNamesDescribesEveryCommand() throws Exception {
        TinyRespClient c = connect();
        long count = (Long) c.call("COMMAND", "COUNT");
        assertThat((List<?>) c.call("COMMAND", "INFO")).hasSize((int) count);
    }

    /** Redis 7.0: COMMAND LIST FILTERBY PATTERN get -> ["get"] (the filter was ignored before). */
    @Test
    void commandListFilterByIsNotSilentlyIgnored() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "get")).isEqualTo(List.of("get"));
        assertThat((List<?>) c.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "*")).hasSize(((List<?>) c.call("COMMAND", "LIST")).size());
        assertThat(c.call("COMMAND", "LIST", "FILTERBY", "MODULE", "json")).isEqualTo(List.of());
        assertThat((List<Object>) c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "write")).contains("set").doesNotContain("get");
        assertThat(c.call("COMMAND", "LIST", "FILTERBY", "COLOUR", "x")).isInstanceOf(Err.class);
    }

    /** Redis checks the arity of subcommands: extra arguments are an error, not ignored. */
    @Test
    void extraArgumentsToFixedAritySubcommandsAreRejected() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("CLIENT", "INFO", "x"))
                .isEqualTo(new Err("ERR wrong number of arguments for 'client|info' command"));
        assertThat(c.call("COMMAND", "COUNT", "x"))
                .isEqualTo(new Err("ERR wrong number of arguments for 'command|count' command"));
    }

    /** Redis names the bad HELLO option: "ERR Syntax error in HELLO option 'FOO'". */
    @Test
    void helloBadOptionErrorNamesTheOption() throws Exception {
        TinyRespClient c = connect();
        assertThat(c.call("HELLO", "2", "FOO")).isEqualTo(new Err("ERR Syntax error in HELLO option 'FOO'"));
        assertThat(c.call("HELLO", "2", "SETNAME"))
                .isEqualTo(new Err("ERR Syntax error in HELLO option 'SETNAME'"));
    }

    // ---- A client that sends its commands and then half-closes (shutdown of its write side, as
    // `printf ... | nc -N` or a script calling shutdown(SHUT_WR) does) still reads: as Redis does,
    // every command runs and every reply is sent, then the server closes. Before (found by
    // review), the input shutdown closed the connection, dropped the queued commands and
    // discarded the reply of the one in flight.

    /** Sends {@code request}, shuts down the write side, reads until the server closes (10 s deadline). */
    private String sendThenHalfClose(byte[] request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // deadline: report what arrived
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void repliesAreSentToAClientThatHalfClosedAfterItsCommands() throws Exception {
        byte[] request = concat(TinyRespClient.encode("SET", "k", "v"), TinyRespClient.encode("GET", "k"));
        assertThat(sendThenHalfClose(request)).isEqualTo("+OK\r\n$1\r\nv\r\n");
    }

    @Test
    void aPipelineFollowedByHalfCloseIsExecutedInFull() throws Exception {
        ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 200; i++) {
            pipeline.writeBytes(TinyRespClient.encode("INCR", "n"));
            expected.append(':').append(i).append("\r\n");
        }
        String replies = sendThenHalfClose(pipeline.toByteArray());
        try (TinyRespClient check = new TinyRespClient(server.port())) {
            assertThat(check.call("GET", "n")).as("INCRs applied").isEqualTo("200");
        }
        assertThat(replies).isEqualTo(expected.toString());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
