package io.ostraka.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A tiny real state machine for runtime tests: commands "add N" and "set N" on one counter. */
final class CounterMachine implements StateMachine {
    private long value;
    private long applied;
    /** System.nanoTime() of each prepareSnapshot and each snapshot written, for policy tests. */
    final java.util.List<Long> preparedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.List<Long> snapshotAt = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void prepareSnapshot() {
        preparedAt.add(System.nanoTime());
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        String c = new String(command, StandardCharsets.UTF_8);
        if (c.startsWith("add ")) {
            value += Long.parseLong(c.substring(4));
        } else if (c.startsWith("set ")) {
            value = Long.parseLong(c.substring(4));
        }
        applied = index;
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    long value() {
        return value;
    }

    @Override
    public long appliedIndex() {
        return applied;
    }

    @Override
    public void snapshot(OutputStream out) throws IOException {
        snapshotAt.add(System.nanoTime());
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(applied);
        data.writeLong(value);
        data.flush();
    }

    @Override
    public void restore(long index, InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long at = data.readLong();
        if (at != index) {
            throw new IOException("snapshot holds index " + at + ", expected " + index);
        }
        applied = at;
        value = data.readLong();
    }

    static byte[] add(long n) {
        return ("add " + n).getBytes(StandardCharsets.UTF_8);
    }

    static long result(Applied a) {
        return ByteBuffer.wrap(a.result()).getLong();
    }
}
