package io.ostraka.node;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A member's addresses by role ({@code peer} for Raft traffic, and whatever endpoints the
 * application publishes, e.g. {@code resp}, {@code grpc}, {@code http}). Carried in the context
 * of membership changes, so every node learns where a new member is when the change is applied.
 */
public record MemberInfo(long id, Map<String, String> addresses) {
    public static final String PEER = "peer";

    public MemberInfo {
        if (id <= 0) {
            throw new IllegalArgumentException("member id must be positive, got " + id);
        }
        TreeMap<String, String> copy = new TreeMap<>(addresses);
        for (Map.Entry<String, String> e : copy.entrySet()) {
            if (e.getKey().contains("=") || e.getKey().contains("\n") || e.getValue().contains("\n")) {
                throw new IllegalArgumentException("invalid address entry " + e);
            }
        }
        addresses = Collections.unmodifiableSortedMap(copy);
    }

    public static MemberInfo ofPeer(long id, String peerAddress) {
        return new MemberInfo(id, Map.of(PEER, peerAddress));
    }

    public String peerAddress() {
        return addresses.get(PEER);
    }

    /** Encodes members as {@code <id>.<role>=<address>} lines: the context of a conf change. */
    public static byte[] encodeAll(java.util.Collection<MemberInfo> members) {
        StringBuilder s = new StringBuilder();
        for (MemberInfo m : members) {
            for (Map.Entry<String, String> e : m.addresses.entrySet()) {
                s.append(m.id).append('.').append(e.getKey()).append('=').append(e.getValue()).append('\n');
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes {@link #encodeAll}; lines that do not parse are ignored (a context of another kind). */
    public static java.util.SortedMap<Long, MemberInfo> decodeAll(byte[] context) {
        TreeMap<Long, TreeMap<String, String>> byId = new TreeMap<>();
        for (String line : new String(context, StandardCharsets.UTF_8).split("\n")) {
            int dot = line.indexOf('.');
            int eq = line.indexOf('=');
            if (dot <= 0 || eq <= dot + 1) {
                continue;
            }
            try {
                long id = Long.parseLong(line.substring(0, dot));
                if (id > 0) {
                    byId.computeIfAbsent(id, k -> new TreeMap<>()).put(line.substring(dot + 1, eq), line.substring(eq + 1));
                }
            } catch (NumberFormatException ignored) {
                // not a member line
            }
        }
        TreeMap<Long, MemberInfo> out = new TreeMap<>();
        byId.forEach((id, addresses) -> out.put(id, new MemberInfo(id, addresses)));
        return out;
    }
}
