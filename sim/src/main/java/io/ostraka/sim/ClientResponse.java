package io.ostraka.sim;

import io.ostraka.kv.KvResult;

/**
 * A node's answer: a result, or a refusal telling the client where to go next. {@code index} is
 * the log index the answer reflects: where a write applied, or how far the serving node had
 * applied when it read.
 */
record ClientResponse(long attempt, Kind kind, KvResult result, long leaderHint, long index) {
    enum Kind {
        /** Done: {@code result} is the outcome. */
        OK,
        /** This node cannot serve it; try {@code leaderHint} (0: unknown). */
        NOT_LEADER,
        /** The proposal lost its log slot to another leader's entry: retry (the session dedups). */
        DROPPED
    }

    static ClientResponse ok(long attempt, KvResult result, long index) {
        return new ClientResponse(attempt, Kind.OK, result, 0, index);
    }

    static ClientResponse notLeader(long attempt, long hint) {
        return new ClientResponse(attempt, Kind.NOT_LEADER, null, hint, 0);
    }

    static ClientResponse dropped(long attempt) {
        return new ClientResponse(attempt, Kind.DROPPED, null, 0, 0);
    }
}
