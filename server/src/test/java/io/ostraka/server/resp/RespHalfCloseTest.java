package io.ostraka.server.resp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that sends its commands and then half-closes (shutdown of its write side, as
 * {@code printf ... | nc -N} or a script calling shutdown(SHUT_WR) does) still reads: as
 * redis-server 7.0.15 does, every command runs and every reply is sent, then the server closes.
 * Before (found by review), the input shutdown closed the connection, dropped the queued commands
 * and discarded the reply of the one in flight.
 */
class RespHalfCloseTest {
    private final LocalKvService service = new LocalKvService();
    private RespServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RespServer(service, RespServerTest.baseConfig());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

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
