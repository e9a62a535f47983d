package io.ostraka.server.resp;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.ReadConsistency;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/**
 * What the server remembers about one connection. Touched only on the connection's event loop.
 *
 * <p>Reads carry {@link #observedIndex()} as their minimum index, so a connection never reads
 * state older than anything it has already seen (its own writes included), whatever its read
 * consistency. Writes carry this connection's session: it is opened before the first write and
 * the sequence grows by one per write, so the service may retry a write and it still applies once.
 */
final class ClientState {
    private final long id;
    private final SocketAddress remoteAddress;
    private final SocketAddress localAddress;
    private String name = "";
    private ReadConsistency consistency = ReadConsistency.LINEARIZABLE;
    // Invariant: never decreases.
    private long observedIndex;
    // Invariant: sessionId == 0 (none yet) or sequence >= 1 is the sequence of its latest write.
    private long sessionId;
    private long sequence;
    private String lastCommand = "";

    ClientState(long id, SocketAddress remoteAddress, SocketAddress localAddress) {
        this.id = id;
        this.remoteAddress = remoteAddress;
        this.localAddress = localAddress;
    }

    long id() {
        return id;
    }

    String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
    }

    ReadConsistency consistency() {
        return consistency;
    }

    void consistency(ReadConsistency consistency) {
        this.consistency = consistency;
    }

    long observedIndex() {
        return observedIndex;
    }

    /** Records that this connection has seen the state at {@code index}. */
    void observe(long index) {
        observedIndex = Math.max(observedIndex, index);
    }

    long sessionId() {
        return sessionId;
    }

    boolean hasSession() {
        return sessionId != 0;
    }

    /** Starts writing in the session the cluster opened with id {@code sessionId}. */
    void session(long sessionId) {
        if (sessionId == 0) {
            throw new IllegalStateException("the cluster opened a session with id 0, which means no session");
        }
        this.sessionId = sessionId;
        this.sequence = 0;
    }

    /** {@code command} as the next write of this connection's session, which must be open. */
    KvCommand nextWrite(KvCommand command) {
        if (sessionId == 0) {
            throw new IllegalStateException("write before the connection's session was opened");
        }
        sequence++;
        return command.withSession(sessionId, sequence);
    }

    /** Forgets the session (the state machine expired it); the next write opens a new one. */
    void dropSession() {
        sessionId = 0;
        sequence = 0;
    }

    String lastCommand() {
        return lastCommand;
    }

    void lastCommand(String lastCommand) {
        this.lastCommand = lastCommand;
    }

    /** One line in the format of Redis's CLIENT INFO / CLIENT LIST (the fields we have). */
    String infoLine() {
        return "id=" + id + " addr=" + address(remoteAddress) + " laddr=" + address(localAddress) + " name=" + name
                + " db=0 consistency=" + consistency.name().toLowerCase(Locale.ROOT)
                + " observed-index=" + observedIndex + " session=" + sessionId + " cmd=" + lastCommand + "\n";
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() == null ? inet.getHostString() + ":" + inet.getPort()
                    : inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
