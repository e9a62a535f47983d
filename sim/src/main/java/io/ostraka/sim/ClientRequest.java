package io.ostraka.sim;

import io.ostraka.kv.KvCommand;

/**
 * A client's request to one node. Writes carry a KV command (with the client's session);
 * reads carry the key and the consistency level to read it at.
 */
record ClientRequest(int process, long attempt, KvCommand write, String readKey, ReadLevel level) {
    enum ReadLevel { LINEARIZABLE, LEASE, FOLLOWER, STALE }

    boolean isWrite() {
        return write != null;
    }
}
