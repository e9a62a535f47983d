package io.ostraka.server.grpc;

import com.google.protobuf.ByteString;
import io.ostraka.api.kv.v1.BatchOpResult;
import io.ostraka.api.kv.v1.BatchResponse;
import io.ostraka.api.kv.v1.CompareAndSetResponse;
import io.ostraka.api.kv.v1.CountResponse;
import io.ostraka.api.kv.v1.DeleteResponse;
import io.ostraka.api.kv.v1.GetResponse;
import io.ostraka.api.kv.v1.IncrementResponse;
import io.ostraka.api.kv.v1.KeyValue;
import io.ostraka.api.kv.v1.OpenSessionResponse;
import io.ostraka.api.kv.v1.Outcome;
import io.ostraka.api.kv.v1.PutResponse;
import io.ostraka.api.kv.v1.ScanResponse;
import io.ostraka.kv.KvEntry;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.KvStatus;

/**
 * Turns {@link KvResult}s into wire responses. Only outcomes reach here (OK, NOT_FOUND,
 * CONDITION_FAILED, WRONG_TYPE, OVERFLOW); request failures were turned into errors by
 * {@link GrpcErrors#fromResult}.
 */
final class ResponseMapper {
    private ResponseMapper() {}

    static Outcome outcome(KvStatus status) {
        return switch (status) {
            case OK -> Outcome.OK;
            case NOT_FOUND -> Outcome.NOT_FOUND;
            case CONDITION_FAILED -> Outcome.CONDITION_FAILED;
            case WRONG_TYPE -> Outcome.WRONG_TYPE;
            case OVERFLOW -> Outcome.OVERFLOW;
            default -> throw new IllegalStateException("status " + status + " is an error, not an outcome");
        };
    }

    static PutResponse put(KvResult r, long index) {
        PutResponse.Builder b = PutResponse.newBuilder().setIndex(index).setOutcome(outcome(r.status()))
                .setVersion(r.version()).setCreateIndex(r.createIndex()).setModIndex(r.modIndex())
                .setReason(reason(r));
        if (r.value() != null) {
            b.setPreviousValue(ByteString.copyFrom(r.value()));
        }
        return b.build();
    }

    static OpenSessionResponse openSession(KvResult r, long index) {
        return OpenSessionResponse.newBuilder().setSessionId(r.integer()).setIndex(index).build();
    }

    static GetResponse get(KvResult r, long index) {
        GetResponse.Builder b = GetResponse.newBuilder().setIndex(index).setOutcome(outcome(r.status()));
        if (r.status() == KvStatus.OK) {
            b.setKv(KeyValue.newBuilder().setValue(ByteString.copyFrom(r.value())).setVersion(r.version())
                    .setCreateIndex(r.createIndex()).setModIndex(r.modIndex()));
        }
        return b.build();
    }

    static DeleteResponse delete(KvResult r, long index) {
        return DeleteResponse.newBuilder().setIndex(index).setOutcome(outcome(r.status())).setDeleted(r.integer())
                .build();
    }

    static CompareAndSetResponse compareAndSet(KvResult r, long index) {
        return CompareAndSetResponse.newBuilder().setIndex(index).setOutcome(outcome(r.status()))
                .setVersion(r.version()).setCreateIndex(r.createIndex()).setModIndex(r.modIndex())
                .setReason(reason(r)).build();
    }

    static IncrementResponse increment(KvResult r, long index) {
        return IncrementResponse.newBuilder().setIndex(index).setOutcome(outcome(r.status())).setValue(r.integer())
                .setVersion(r.version()).setCreateIndex(r.createIndex()).setModIndex(r.modIndex())
                .setReason(reason(r)).build();
    }

    static ScanResponse scan(KvResult r, long index) {
        ScanResponse.Builder b = ScanResponse.newBuilder().setIndex(index).setMore(r.more());
        for (KvEntry entry : r.entries()) {
            b.addEntries(KeyValue.newBuilder().setKey(ByteString.copyFrom(entry.key()))
                    .setValue(ByteString.copyFrom(entry.value().value())).setVersion(entry.value().version())
                    .setCreateIndex(entry.value().createIndex()).setModIndex(entry.value().modIndex()));
        }
        return b.build();
    }

    static CountResponse count(KvResult r, long index) {
        return CountResponse.newBuilder().setIndex(index).setCount(r.integer()).build();
    }

    static BatchResponse batch(KvResult r, long index) {
        BatchResponse.Builder b = BatchResponse.newBuilder().setIndex(index).setOutcome(outcome(r.status()))
                .setReason(reason(r));
        for (KvResult inner : r.results()) {
            b.addResults(batchOp(inner));
        }
        if (r.failedOp() >= 0) {
            b.setFailedOp(r.failedOp());
        }
        return b.build();
    }

    private static BatchOpResult batchOp(KvResult r) {
        BatchOpResult.Builder b = BatchOpResult.newBuilder().setOutcome(outcome(r.status())).setVersion(r.version())
                .setCreateIndex(r.createIndex()).setModIndex(r.modIndex()).setInteger(r.integer())
                .setReason(reason(r));
        if (r.value() != null) {
            b.setValue(ByteString.copyFrom(r.value()));
        }
        return b.build();
    }

    private static String reason(KvResult r) {
        return r.reason() == null ? "" : r.reason();
    }
}
