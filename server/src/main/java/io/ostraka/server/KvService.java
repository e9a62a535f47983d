package io.ostraka.server;

import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.ReadConsistency;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The KV store as the front ends (RESP, gRPC, the HTTP admin) see it on one server. Writes go
 * through Raft (forwarded to the leader when this node is a follower); reads are served at the
 * requested consistency. Futures fail with {@code io.ostraka.node.OstrakaException}, whose
 * {@code ErrorCode} (NOT_LEADER, NO_QUORUM, TIMEOUT, STOPPED, INVALID_REQUEST) maps onto each
 * front end's error conventions.
 */
public interface KvService {
    /** Replicates a write command (its session, if any, makes retries exactly-once). */
    CompletableFuture<Result> write(KvCommand command);

    /** Serves a read-only op (GET, SCAN, COUNT) at {@code consistency}, at or after {@code minIndex}. */
    CompletableFuture<Result> read(KvOp op, ReadConsistency consistency, long minIndex);

    /** Facts for INFO and status: role, term, leader, indexes, members. Keys are stable names. */
    Map<String, String> info();

    /** A result and the log index it reflects (where a write applied, how far a read had applied). */
    record Result(KvResult result, long index) {}
}
