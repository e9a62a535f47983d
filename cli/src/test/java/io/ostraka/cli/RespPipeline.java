package io.ostraka.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Pipelined RESP writes for loading data fast: up to {@code window} commands in flight on one
 * connection, every reply must be a simple string ({@code +OK}); an error reply fails the load
 * with the command's number and the error.
 */
final class RespPipeline implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespPipeline(int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        socket.setSoTimeout(timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Sends {@code count} commands ({@code command.apply(i)} is command i) and checks every reply. */
    void run(int count, int window, IntFunction<String[]> command) throws IOException {
        int sent = 0;
        int answered = 0;
        while (answered < count) {
            while (sent < count && sent - answered < window) {
                out.write(encode(command.apply(sent++)));
            }
            out.flush();
            String reply = readLine();
            if (!reply.startsWith("+")) {
                throw new IOException("command " + answered + " was answered " + reply);
            }
            answered++;
        }
    }

    static byte[] encode(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        buffer.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            buffer.writeBytes(bytes);
            buffer.writeBytes(new byte[] {'\r', '\n'});
        }
        return buffer.toByteArray();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (previous == '\r' && b == '\n') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
            previous = b;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
