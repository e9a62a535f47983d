package io.ostraka.server.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One decoded client command: its arguments (the first is the command name) and the bytes they
 * hold (with {@link RespDecoder#ARG_OVERHEAD_BYTES} per argument), which the connection counts
 * against its pending-bytes limit.
 */
public record RespRequest(List<byte[]> args, long argBytes) {
    public RespRequest {
        args = List.copyOf(args);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a request has at least a command name");
        }
    }

    /** The command name in lower case (ASCII). */
    public String name() {
        return new String(args.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    }

    public int argCount() {
        return args.size();
    }

    public byte[] arg(int index) {
        return args.get(index);
    }

    public String argString(int index) {
        return new String(args.get(index), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("RespRequest[");
        for (int i = 0; i < args.size(); i++) {
            s.append(i == 0 ? "" : " ").append(argString(i));
        }
        return s.append(']').toString();
    }
}
