package io.ostraka.client;

import com.google.protobuf.ByteString;
import io.ostraka.api.kv.v1.BatchOp;
import io.ostraka.api.kv.v1.BatchOpResult;
import io.ostraka.api.kv.v1.BatchResponse;
import io.ostraka.api.kv.v1.CompareAndSetOp;
import io.ostraka.api.kv.v1.DeleteOp;
import io.ostraka.api.kv.v1.GetOp;
import io.ostraka.api.kv.v1.IncrementOp;
import io.ostraka.api.kv.v1.Member;
import io.ostraka.api.kv.v1.PutOp;
import io.ostraka.api.kv.v1.StatusResponse;
import java.util.ArrayList;
import java.util.List;

/** Conversions between the client's records and the wire messages. */
final class Protos {
    private Protos() {}

    static ByteString bytes(byte[] bytes) {
        return ByteString.copyFrom(bytes);
    }

    static io.ostraka.api.kv.v1.Consistency consistency(Consistency consistency) {
        return switch (consistency) {
            case LINEARIZABLE -> io.ostraka.api.kv.v1.Consistency.LINEARIZABLE;
            case LEASE -> io.ostraka.api.kv.v1.Consistency.LEASE;
            case FOLLOWER -> io.ostraka.api.kv.v1.Consistency.FOLLOWER;
            case STALE -> io.ostraka.api.kv.v1.Consistency.STALE;
        };
    }

    static io.ostraka.api.kv.v1.PutCondition condition(PutCondition condition) {
        return switch (condition) {
            case NONE -> io.ostraka.api.kv.v1.PutCondition.NONE;
            case IF_ABSENT -> io.ostraka.api.kv.v1.PutCondition.IF_ABSENT;
            case IF_PRESENT -> io.ostraka.api.kv.v1.PutCondition.IF_PRESENT;
        };
    }

    static Outcome outcome(io.ostraka.api.kv.v1.Outcome outcome) {
        return switch (outcome) {
            case OK -> Outcome.OK;
            case NOT_FOUND -> Outcome.NOT_FOUND;
            case CONDITION_FAILED -> Outcome.CONDITION_FAILED;
            case WRONG_TYPE -> Outcome.WRONG_TYPE;
            case OVERFLOW -> Outcome.OVERFLOW;
            default -> throw new OstrakaClientException(ErrorCode.INTERNAL, "unknown outcome " + outcome
                    + " from the server (a newer protocol version?)");
        };
    }

    static KeyValue keyValue(byte[] key, io.ostraka.api.kv.v1.KeyValue kv) {
        return new KeyValue(key, kv.getValue().toByteArray(), kv.getVersion(), kv.getCreateIndex(), kv.getModIndex());
    }

    static KeyValue keyValue(io.ostraka.api.kv.v1.KeyValue kv) {
        return keyValue(kv.getKey().toByteArray(), kv);
    }

    static BatchOp batchOp(Op op) {
        BatchOp.Builder b = BatchOp.newBuilder();
        if (op instanceof Op.Put put) {
            b.setPut(PutOp.newBuilder().setKey(bytes(put.key())).setValue(bytes(put.value()))
                    .setCondition(condition(put.condition())).setReturnPrevious(put.returnPrevious()));
        } else if (op instanceof Op.Get get) {
            b.setGet(GetOp.newBuilder().setKey(bytes(get.key())));
        } else if (op instanceof Op.Delete delete) {
            DeleteOp.Builder d = DeleteOp.newBuilder();
            delete.keys().forEach(k -> d.addKeys(bytes(k)));
            b.setDelete(d);
        } else if (op instanceof Op.CompareAndSet cas) {
            b.setCompareAndSet(CompareAndSetOp.newBuilder().setKey(bytes(cas.key()))
                    .setExpectedVersion(cas.expectedVersion()).setValue(bytes(cas.value())));
        } else if (op instanceof Op.Increment increment) {
            b.setIncrement(IncrementOp.newBuilder().setKey(bytes(increment.key())).setDelta(increment.delta()));
        }
        return b.build();
    }

    static BatchResult batchResult(BatchResponse response) {
        List<OpResult> results = new ArrayList<>(response.getResultsCount());
        for (BatchOpResult r : response.getResultsList()) {
            results.add(new OpResult(outcome(r.getOutcome()), r.hasValue() ? r.getValue().toByteArray() : null,
                    r.getVersion(), r.getCreateIndex(), r.getModIndex(), r.getInteger(), r.getReason()));
        }
        Outcome outcome = outcome(response.getOutcome());
        return new BatchResult(outcome == Outcome.OK, outcome, response.hasFailedOp() ? response.getFailedOp() : -1,
                response.getReason(), results, response.getIndex());
    }

    static ClusterStatus status(StatusResponse s) {
        List<ClusterStatus.Member> members = new ArrayList<>(s.getMembersCount());
        for (Member m : s.getMembersList()) {
            ClusterStatus.Progress progress = !m.hasProgress() ? null : new ClusterStatus.Progress(
                    m.getProgress().getMatchIndex(), m.getProgress().getNextIndex(), m.getProgress().getState(),
                    m.getProgress().getLag(), m.getProgress().getRecentActive());
            members.add(new ClusterStatus.Member(m.getId(), m.getClientAddress(), m.getPeerAddress(), m.getVoter(), progress));
        }
        return new ClusterStatus(s.getNodeId(), s.getRole(), s.getTerm(), s.getLeaderId(), s.getLeaderAddress(),
                s.getCommitIndex(), s.getAppliedIndex(), members, s.getInfoMap(), s.getFirstIndex(), s.getLastIndex(),
                s.getFailure());
    }
}
