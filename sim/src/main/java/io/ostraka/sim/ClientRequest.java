package io.ostraka.sim;

import io.ostraka.kv.KvCommand;

/**
 * A client's request to one node. Writes carry a KV command (with the client's session);
 * reads carry the key and the consistency level to read it at. {@code minIndex} is the highest
 * log index the client has observed: a stale read is served only by a node that has applied at
 * least that far, so a client never sees time go backwards (read-your-writes, monotonic reads).
 */
record ClientRequest(int process, long attempt, KvCommand write, String readKey, ReadLevel level, long minIndex) {
    enum ReadLevel { LINEARIZABLE, LEASE, FOLLOWER, STALE }

    boolean isWrite() {
        return write != null;
    }
}
