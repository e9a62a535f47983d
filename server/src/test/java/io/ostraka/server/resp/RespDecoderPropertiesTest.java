package io.ostraka.server.resp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that no byte stream, however fragmented, makes the decoder throw out of the pipeline,
 * emit anything but requests and at most one final protocol error, or hold more than its limits:
 * undecoded bytes never exceed one bulk (plus CRLF) or one inline line, arguments never exceed
 * the request limit. Streams are built from protocol-shaped tokens and raw random bytes, so
 * they reach deep states (half-read bulks, quotes, length edges) as well as garbage.
 */
class RespDecoderPropertiesTest {
    private static final int BULK_MAX = 256;
    private static final int REQUEST_MAX = 1024;
    private static final int ARRAY_MAX = 16;
    private static final int INLINE_MAX = 64;

    @Property(tries = 500)
    void randomStreamsStayWithinLimits(@ForAll("streams") List<byte[]> chunks) {
        RespDecoder decoder = new RespDecoder(BULK_MAX, REQUEST_MAX, ARRAY_MAX, INLINE_MAX);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        try {
            List<Object> out = new ArrayList<>();
            for (byte[] chunk : chunks) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk)); // rethrows anything thrown in the pipeline
                for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
                    out.add(msg);
                }
                assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(Math.max(BULK_MAX + 2, INLINE_MAX));
                assertThat(decoder.argumentBytes()).isLessThanOrEqualTo(REQUEST_MAX);
            }
            for (int i = 0; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof RespProtocolError) {
                    assertThat(i).as("a protocol error is the last thing emitted").isEqualTo(out.size() - 1);
                    continue;
                }
                assertThat(msg).isInstanceOf(RespRequest.class);
                RespRequest request = (RespRequest) msg;
                assertThat(request.argCount()).isBetween(1, ARRAY_MAX);
                assertThat(request.argBytes()).isLessThanOrEqualTo(REQUEST_MAX);
                for (byte[] arg : request.args()) {
                    assertThat(arg.length).isLessThanOrEqualTo(Math.max(BULK_MAX, INLINE_MAX));
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    @Provide
    Arbitrary<List<byte[]>> streams() {
        Arbitrary<byte[]> token = Arbitraries.oneOf(
                Arbitraries.of("*", "$", "\r\n", "\r", "\n", "-1", "0", "1", "2", "3", "16", "17", "256", "257",
                        "1024", "99999999999", "PING", "SET", " ", "\"", "'", "\\x4", "+", ":", "a", "*2\r\n",
                        "$3\r\nfoo\r\n", "*1\r\n$4\r\nPING\r\n", "PING\r\n")
                        .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.strings().withChars('x').ofMinLength(50).ofMaxLength(300)
                        .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)));
        return token.list().ofMaxSize(60).flatMap(tokens -> {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            tokens.forEach(stream::writeBytes);
            byte[] bytes = stream.toByteArray();
            return Arbitraries.integers().between(1, 64).list().ofMaxSize(bytes.length + 1).map(sizes -> {
                List<byte[]> chunks = new ArrayList<>();
                int at = 0;
                for (int size : sizes) {
                    if (at >= bytes.length) {
                        break;
                    }
                    int n = Math.min(size, bytes.length - at);
                    chunks.add(java.util.Arrays.copyOfRange(bytes, at, at + n));
                    at += n;
                }
                if (at < bytes.length) {
                    chunks.add(java.util.Arrays.copyOfRange(bytes, at, bytes.length));
                }
                return chunks;
            });
        });
    }
}
