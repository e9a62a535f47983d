package io.ostraka.raft.tracker;

/**
 * How the leader replicates to one follower.
 *
 * <ul>
 *   <li>{@code PROBE}: the follower's log position is unknown; send one APPEND per heartbeat
 *       interval and back off on rejection.</li>
 *   <li>{@code REPLICATE}: the follower's position is known; stream APPENDs optimistically,
 *       up to the in-flight window.</li>
 *   <li>{@code SNAPSHOT}: the follower needs entries that were compacted; a snapshot is on
 *       its way and nothing else is sent until it is reported.</li>
 * </ul>
 */
public enum ProgressState { PROBE, REPLICATE, SNAPSHOT }
