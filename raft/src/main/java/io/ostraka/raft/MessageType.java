package io.ostraka.raft;

/** The messages Raft peers exchange. Every one is addressed, carries its group id and a term. */
public enum MessageType {
    /** Pre-vote (thesis §9.6): "would you vote for me at term+1?" Sent without bumping the term. */
    PRE_VOTE,
    PRE_VOTE_RESPONSE,
    /** RequestVote (§5.2). {@code logTerm}/{@code index} describe the candidate's last entry. */
    VOTE,
    VOTE_RESPONSE,
    /** AppendEntries (§5.3): entries after ({@code index}, {@code logTerm}) and the leader's commit. */
    APPEND,
    /** Accept: {@code index} is the follower's new last matching index. Reject: {@code rejectHint}/{@code logTerm} let the leader skip back. */
    APPEND_RESPONSE,
    /** Empty AppendEntries that asserts leadership; {@code context} carries the read round. */
    HEARTBEAT,
    HEARTBEAT_RESPONSE,
    /** InstallSnapshot: {@code snapshot} names the snapshot; its bytes travel on the snapshot stream. */
    SNAPSHOT,
    /** Leadership transfer (thesis §3.10): start an election now, ignoring leader stickiness. */
    TIMEOUT_NOW,
    /** A follower asks the leader for a read index on behalf of {@code context}. */
    READ_INDEX,
    /** The leader's answer: {@code index} is the read index for {@code context}. */
    READ_INDEX_RESPONSE,
    /** A follower forwards a leadership-transfer request: transfer to {@code from}... or to {@code index}. */
    TRANSFER_LEADER;

    /** Whether this type answers a request of another type (used for term handling). */
    public boolean isResponse() {
        return this == PRE_VOTE_RESPONSE || this == VOTE_RESPONSE || this == APPEND_RESPONSE
                || this == HEARTBEAT_RESPONSE || this == READ_INDEX_RESPONSE;
    }
}
