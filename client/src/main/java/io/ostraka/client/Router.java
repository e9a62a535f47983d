package io.ostraka.client;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where to send the next attempt. The client starts from the configured endpoints (any nodes),
 * believes the leader to be wherever a call last succeeded or a NOT_LEADER error pointed, and
 * when it has no leader to believe in, walks the endpoints round-robin. One channel per address,
 * made on first use (a leader hint may name an address that was not configured).
 */
final class Router {
    private final List<String> endpoints;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    // The address calls go to first; null when no leader is believed in.
    private String leader;
    private int nextEndpoint;
    private boolean closed;

    Router(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoints: give at least one host:port");
        }
        this.endpoints = List.copyOf(endpoints);
    }

    /** The address the next attempt should go to. */
    String target() {
        synchronized (lock) {
            return leader != null ? leader : endpoints.get(Math.floorMod(nextEndpoint, endpoints.size()));
        }
    }

    /** A call to {@code address} succeeded: keep using it. */
    void succeeded(String address) {
        synchronized (lock) {
            leader = address;
        }
    }

    /**
     * {@code address} said it is not the leader; {@code hint} (may be empty) names who is. A hint
     * that is not host:port (a misconfigured or hostile server) is not followed. Returns whether
     * the next attempt goes to the hint.
     */
    boolean notLeader(String address, String hint) {
        synchronized (lock) {
            if (isHostPort(hint) && !hint.equals(address)) {
                leader = hint;
                retire(address);
                return true;
            }
            forget(address);
            return false;
        }
    }

    private static final java.util.regex.Pattern HOST_PORT =
            java.util.regex.Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");

    /** Whether {@code s} is host:port (a name or IPv4 address, or an IPv6 address in brackets; port 1–65535). */
    static boolean isHostPort(String s) {
        if (s == null) {
            return false;
        }
        java.util.regex.Matcher m = HOST_PORT.matcher(s);
        if (!m.matches()) {
            return false;
        }
        int port = Integer.parseInt(m.group(2));
        return port >= 1 && port <= 65_535;
    }

    /** {@code address} could not serve the call (unreachable, stopping, no quorum): try another node. */
    void failed(String address) {
        synchronized (lock) {
            forget(address);
        }
    }

    private void forget(String address) {
        if (address.equals(leader)) {
            leader = null;
        }
        int position = endpoints.indexOf(address);
        // Move past the failed endpoint (or simply on, if it was a hinted address).
        nextEndpoint = position >= 0 ? position + 1 : nextEndpoint + 1;
        retire(address);
    }

    /**
     * Shuts down the channel to {@code address} if it is a hinted address (not a configured
     * endpoint) that is no longer believed to lead: else every hint a server ever gave would keep
     * a channel open until close(). Calls in flight on it finish first (a graceful shutdown).
     */
    private void retire(String address) {
        if (!endpoints.contains(address) && !address.equals(leader)) {
            ManagedChannel channel = channels.remove(address);
            if (channel != null) {
                channel.shutdown();
            }
        }
    }

    /** The largest response the client accepts (see {@link #channel}). */
    static final int RESPONSE_BYTES_MAX = 64 << 20;

    ManagedChannel channel(String address) {
        synchronized (lock) {
            if (closed) {
                throw new OstrakaClientException(ErrorCode.STOPPED, "the client is closed");
            }
            // Callbacks run on the channel's I/O thread (see RequestRunner#unary): a response
            // completes the caller's future, and a closed-loop caller's next request is written,
            // without a hop through another thread. gRPC's own retry layer is off: RequestRunner
            // retries (with the session, so a write applies once), and the layer wrapped every
            // call in a RetriableStream with its buffer.
            // The inbound limit is above anything a server sends: a scan or batch answers up to
            // 4 MiB of results plus one entry, and a batch echoes what a request of up to 16 MiB
            // asked. gRPC's 4 MiB default refused such answers, an applied batch's included.
            return channels.computeIfAbsent(address, Router::newChannel);
        }
    }

    private static ManagedChannel newChannel(String address) {
        try {
            return ManagedChannelBuilder.forTarget(address).usePlaintext()
                    .directExecutor().disableRetry().maxInboundMessageSize(RESPONSE_BYTES_MAX).build();
        } catch (RuntimeException e) {
            throw new OstrakaClientException(ErrorCode.INVALID_REQUEST, "cannot connect to \"" + address
                    + "\": not a host:port (" + e.getMessage() + ")");
        }
    }

    void close() {
        List<ManagedChannel> toClose;
        synchronized (lock) {
            closed = true;
            toClose = new ArrayList<>(channels.values());
            channels.clear();
        }
        for (ManagedChannel channel : toClose) {
            channel.shutdown();
        }
        if (RequestRunner.inCallback()) {
            // Closed from a callback, on a gRPC I/O thread: waiting here would hold up the very
            // thread the channels need to wind down on. They finish on their own.
            return;
        }
        for (ManagedChannel channel : toClose) {
            try {
                if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                channel.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
