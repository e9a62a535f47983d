package io.ostraka.raft.confchange;

import io.ostraka.raft.Invariants;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A membership change as proposed and stored in a {@code CONF_CHANGE} log entry.
 *
 * <ul>
 *   <li>No changes: leave the current joint configuration (C_old,new → C_new).</li>
 *   <li>One change that touches at most one voter, with {@link Transition#AUTO}: a single-step
 *       change (thesis §4.1), applied directly.</li>
 *   <li>Anything else: enter a joint configuration (thesis §4.3). With {@code AUTO} or
 *       {@code JOINT_IMPLICIT} the leader proposes leaving it as soon as entering commits;
 *       {@code JOINT_EXPLICIT} waits for an explicit empty change.</li>
 * </ul>
 *
 * <p>{@code context} is opaque to the core (the server stores peer addresses there).
 */
public record ConfChange(Transition transition, List<Single> changes, byte[] context) {
    private static final byte FORMAT_VERSION = 1;

    public ConfChange {
        Objects.requireNonNull(transition, "transition");
        changes = List.copyOf(changes);
        context = context == null ? new byte[0] : context;
    }

    public enum Transition { AUTO, JOINT_IMPLICIT, JOINT_EXPLICIT }

    public enum Type { ADD_VOTER, ADD_LEARNER, REMOVE }

    /** One member change. */
    public record Single(Type type, long nodeId) {
        public Single {
            Objects.requireNonNull(type, "type");
            if (nodeId <= 0) {
                throw new IllegalArgumentException("node id must be positive, got " + nodeId);
            }
        }
    }

    public static ConfChange addVoter(long nodeId) {
        return new ConfChange(Transition.AUTO, List.of(new Single(Type.ADD_VOTER, nodeId)), null);
    }

    public static ConfChange addLearner(long nodeId) {
        return new ConfChange(Transition.AUTO, List.of(new Single(Type.ADD_LEARNER, nodeId)), null);
    }

    public static ConfChange remove(long nodeId) {
        return new ConfChange(Transition.AUTO, List.of(new Single(Type.REMOVE, nodeId)), null);
    }

    /** The explicit "leave joint configuration" change. */
    public static ConfChange leaveJoint() {
        return new ConfChange(Transition.AUTO, List.of(), null);
    }

    public static ConfChange of(Transition transition, Single... changes) {
        return new ConfChange(transition, List.of(changes), null);
    }

    public ConfChange withContext(byte[] context) {
        return new ConfChange(transition, changes, context);
    }

    public boolean isLeaveJoint() {
        return changes.isEmpty();
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 4 + changes.size() * 9 + 4 + context.length);
        out.put(FORMAT_VERSION).put((byte) transition.ordinal()).putInt(changes.size());
        for (Single s : changes) {
            out.put((byte) s.type().ordinal()).putLong(s.nodeId());
        }
        out.putInt(context.length).put(context);
        return out.array();
    }

    /** Decodes what {@link #encode} wrote; a malformed payload is a corrupt log and throws. */
    public static ConfChange decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            Invariants.check(version == FORMAT_VERSION, "unknown conf change format version %d", version);
            Transition transition = Transition.values()[in.get()];
            int count = in.getInt();
            Invariants.check(count >= 0 && count <= in.remaining() / 9, "conf change claims %d changes", count);
            List<Single> changes = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                changes.add(new Single(Type.values()[in.get()], in.getLong()));
            }
            int contextLength = in.getInt();
            Invariants.check(contextLength >= 0 && contextLength == in.remaining(), "conf change context length %d", contextLength);
            byte[] context = new byte[contextLength];
            in.get(context);
            return new ConfChange(transition, changes, context);
        } catch (RuntimeException e) {
            if (e instanceof Invariants.InvariantViolation) {
                throw e;
            }
            throw new Invariants.InvariantViolation("malformed conf change entry: " + e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfChange c && c.transition == transition && c.changes.equals(changes)
                && java.util.Arrays.equals(c.context, context);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transition, changes, java.util.Arrays.hashCode(context));
    }

    @Override
    public String toString() {
        return isLeaveJoint() ? "leave-joint" : transition + changes.toString();
    }
}
