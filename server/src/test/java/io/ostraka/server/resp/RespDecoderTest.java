package io.ostraka.server.resp;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that {@link RespDecoder} decodes multibulk and inline requests however the bytes are
 * fragmented, and that every kind of malformed or over-limit input yields exactly one
 * {@link RespProtocolError} (Redis's wording), after which all input is discarded — without
 * allocating for lengths the client only announced.
 */
class RespDecoderTest {
    private static final int BULK_MAX = 1024;
    private static final int REQUEST_MAX = 4096;
    private static final int ARRAY_MAX = 64;
    private static final int INLINE_MAX = 128;

    private RespDecoder decoder = newDecoder();
    private EmbeddedChannel channel = new EmbeddedChannel(decoder);

    private static RespDecoder newDecoder() {
        return new RespDecoder(BULK_MAX, REQUEST_MAX, ARRAY_MAX, INLINE_MAX);
    }

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    private List<Object> feed(String text) {
        return feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private List<Object> feed(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        List<Object> out = new ArrayList<>();
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
            out.add(msg);
        }
        return out;
    }

    private static List<String> args(Object request) {
        assertThat(request).isInstanceOf(RespRequest.class);
        List<String> args = new ArrayList<>();
        RespRequest r = (RespRequest) request;
        for (int i = 0; i < r.argCount(); i++) {
            args.add(r.argString(i));
        }
        return args;
    }

    @Test
    void decodesMultibulkRequestsInOneRead() {
        List<Object> out = feed("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
        assertThat(out).hasSize(2);
        assertThat(args(out.get(0))).containsExactly("PING");
        assertThat(args(out.get(1))).containsExactly("SET", "k", "");
        assertThat(((RespRequest) out.get(1)).argBytes()).isEqualTo(4 + 3 * RespDecoder.ARG_OVERHEAD_BYTES);
    }

    @Test
    void bulkDataMayContainCrLfAndBinary() {
        List<Object> out = feed("*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\u0000\u00ff\r\n");
        assertThat(((RespRequest) out.get(0)).arg(1)).containsExactly('\r', '\n', 0, 0xff);
    }

    @Test
    void decodesInlineRequestsWithQuotes() {
        List<Object> out = feed("PING\r\nset k \"a b\\x41\\n\" 'it\\'s'\n\r\n   \n");
        assertThat(out).hasSize(2);
        assertThat(args(out.get(0))).containsExactly("PING");
        assertThat(args(out.get(1))).containsExactly("set", "k", "a bA\n", "it's");
    }

    @Test
    void ignoresEmptyMultibulk() {
        assertThat(feed("*0\r\n*1\r\n$4\r\nPING\r\n")).hasSize(1);
    }

    @Test
    void decodesTheSameRequestsWhenFedByteByByte() {
        String pipeline = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\nPING\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"
                + "ECHO \"x y\"\n";
        List<Object> out = new ArrayList<>();
        for (byte b : pipeline.getBytes(StandardCharsets.ISO_8859_1)) {
            out.addAll(feed(new byte[] {b}));
        }
        assertThat(out).hasSize(4);
        assertThat(args(out.get(0))).containsExactly("SET", "key", "value");
        assertThat(args(out.get(1))).containsExactly("PING");
        assertThat(args(out.get(2))).containsExactly("GET", "key");
        assertThat(args(out.get(3))).containsExactly("ECHO", "x y");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "RESP type byte at the start       | $3\\r\\nfoo\\r\\n                | unexpected '$' at the start of a request",
        "simple string as a request        | +PING\\r\\n                      | unexpected '+' at the start of a request",
        "non-bulk element                  | *1\\r\\n:1\\r\\n                  | expected '$', got ':'",
        "binary byte instead of $          | *1\\r\\n\\u0001\\r\\n             | expected '$', got '\\x01'",
        "negative multibulk length         | *-1\\r\\n                        | invalid multibulk length",
        "non-numeric multibulk length      | *abc\\r\\n                       | invalid multibulk length",
        "multibulk length with a sign      | *+1\\r\\n                        | invalid multibulk length",
        "multibulk length leading zero     | *01\\r\\n                        | invalid multibulk length",
        "empty multibulk length            | *\\r\\n                          | invalid multibulk length",
        "too many elements                 | *65\\r\\n                        | invalid multibulk length",
        "huge multibulk length             | *9999999999\\r\\n                | invalid multibulk length",
        "endless multibulk length          | *11111111111111111111111       | too big mbulk count string",
        "CR without LF in a header         | *1\\rX\\n                        | invalid multibulk length",
        "negative bulk length              | *1\\r\\n$-1\\r\\n                | invalid bulk length",
        "non-numeric bulk length           | *1\\r\\n$x\\r\\n                 | invalid bulk length",
        "bulk over the limit               | *1\\r\\n$1025\\r\\n              | invalid bulk length",
        "huge bulk length                  | *1\\r\\n$2147483648\\r\\n        | invalid bulk length",
        "endless bulk length               | *1\\r\\n$111111111111111111111   | too big bulk count string",
        "bulk data without CRLF            | *1\\r\\n$2\\r\\nabXY             | expected CRLF after bulk data",
        "unbalanced double quote           | SET k \"v\\r\\n                  | unbalanced quotes in request",
        "unbalanced single quote           | SET k 'v\\r\\n                   | unbalanced quotes in request",
        "closing quote glued to a word     | SET k \"v\"x\\r\\n               | unbalanced quotes in request",
    })
    void malformedInputGetsOneProtocolErrorAndTheRestIsDiscarded(String name, String input, String message) {
        List<Object> out = feed(unescape(input));
        assertThat(out).as(name).containsExactly(new RespProtocolError(message));
        assertThat(feed("*1\r\n$4\r\nPING\r\n")).as("input after the error").isEmpty();
    }

    @Test
    void inlineLineOverTheLimitFailsWithoutWaitingForTheNewline() {
        assertThat(feed("x".repeat(INLINE_MAX))).isEmpty();
        assertThat(feed("xx")).containsExactly(new RespProtocolError("too big inline request"));
    }

    @Test
    void inlineLineWithTooManyWordsFails() {
        channel.finishAndReleaseAll();
        decoder = new RespDecoder(BULK_MAX, REQUEST_MAX, 4, INLINE_MAX);
        channel = new EmbeddedChannel(decoder);
        assertThat(feed("a b c d\n")).hasSize(1);
        assertThat(feed("a b c d e\n")).containsExactly(new RespProtocolError("invalid multibulk length"));
    }

    @Test
    void requestOverTheByteLimitFailsAtTheHeaderThatCrossesIt() {
        String bulk = "$990\r\n" + "x".repeat(990) + "\r\n";
        List<Object> out = feed("*5\r\n" + bulk.repeat(4));
        assertThat(out).isEmpty();
        assertThat(decoder.argumentBytes()).isEqualTo(4 * (990 + RespDecoder.ARG_OVERHEAD_BYTES));
        assertThat(feed(bulk)).containsExactly(new RespProtocolError("request of more than 4096 bytes"));
    }

    /** Empty arguments cost heap too: enough of them cross the byte limit. */
    @Test
    void emptyArgumentsCountAgainstTheByteLimit() {
        int fit = REQUEST_MAX / RespDecoder.ARG_OVERHEAD_BYTES; // 128 empty arguments fill the limit
        channel.finishAndReleaseAll();
        decoder = new RespDecoder(BULK_MAX, REQUEST_MAX, 1_000, INLINE_MAX);
        channel = new EmbeddedChannel(decoder);
        List<Object> out = feed("*" + fit + "\r\n" + "$0\r\n\r\n".repeat(fit));
        assertThat(out).hasSize(1);
        assertThat(((RespRequest) out.get(0)).argBytes()).isEqualTo(REQUEST_MAX);
        assertThat(feed("*" + (fit + 1) + "\r\n" + "$0\r\n\r\n".repeat(fit + 1)))
                .containsExactly(new RespProtocolError("request of more than 4096 bytes"));
    }

    @Test
    void announcedLengthsAllocateNothingUntilTheBytesArrive() {
        assertThat(feed("*64\r\n$1024\r\nabc")).isEmpty();
        assertThat(decoder.bufferedBytes()).isEqualTo(3);
        assertThat(decoder.argumentBytes()).isZero();
    }

    @Test
    void errorComesAfterTheRequestsBeforeIt() {
        List<Object> out = feed("*1\r\n$4\r\nPING\r\n*1\r\n$-5\r\n*1\r\n$4\r\nPING\r\n");
        assertThat(out).hasSize(2);
        assertThat(args(out.get(0))).containsExactly("PING");
        assertThat(out.get(1)).isEqualTo(new RespProtocolError("invalid bulk length"));
    }

    private static String unescape(String text) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                switch (next) {
                    case 'r' -> s.append('\r');
                    case 'n' -> s.append('\n');
                    case 'u' -> {
                        s.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> s.append('\\').append(next);
                }
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
