package io.ostraka.server.grpc;

import io.grpc.stub.StreamObserver;
import io.ostraka.api.kv.v1.BatchRequest;
import io.ostraka.api.kv.v1.BatchResponse;
import io.ostraka.api.kv.v1.CompareAndSetRequest;
import io.ostraka.api.kv.v1.CompareAndSetResponse;
import io.ostraka.api.kv.v1.CountRequest;
import io.ostraka.api.kv.v1.CountResponse;
import io.ostraka.api.kv.v1.DeleteRequest;
import io.ostraka.api.kv.v1.DeleteResponse;
import io.ostraka.api.kv.v1.GetRequest;
import io.ostraka.api.kv.v1.GetResponse;
import io.ostraka.api.kv.v1.IncrementRequest;
import io.ostraka.api.kv.v1.IncrementResponse;
import io.ostraka.api.kv.v1.KvGrpc;
import io.ostraka.api.kv.v1.OpenSessionRequest;
import io.ostraka.api.kv.v1.OpenSessionResponse;
import io.ostraka.api.kv.v1.PutRequest;
import io.ostraka.api.kv.v1.PutResponse;
import io.ostraka.api.kv.v1.ReadOptions;
import io.ostraka.api.kv.v1.ScanRequest;
import io.ostraka.api.kv.v1.ScanResponse;
import io.ostraka.api.kv.v1.StatusRequest;
import io.ostraka.api.kv.v1.StatusResponse;
import io.ostraka.kv.KvCommand;
import io.ostraka.kv.KvOp;
import io.ostraka.kv.KvResult;
import io.ostraka.kv.ReadConsistency;
import io.ostraka.server.KvService;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The {@code ostraka.kv.v1.Kv} gRPC service over a {@link KvService}: each call is validated and
 * mapped to a {@link KvCommand} (writes, through Raft) or a {@link KvOp} read at the requested
 * consistency, and the {@link KvResult} is mapped back. Outcomes (NOT_FOUND, CONDITION_FAILED,
 * WRONG_TYPE, OVERFLOW) travel in the response; failures become a gRPC status with an
 * {@code ErrorInfo} trailer ({@link GrpcErrors}).
 *
 * <p>The service holds no state of its own and never blocks: responses are sent from whichever
 * thread completes the KvService future.
 */
public final class KvGrpcService extends KvGrpc.KvImplBase {
    private final KvService service;
    private final RequestMapper requests;
    private final RequestLimits limits;
    private final LongFunction<String> leaderClientAddress;

    /**
     * @param leaderClientAddress maps a leader's node id to its client gRPC address (host:port),
     *     or null if unknown; used to rewrite the hint of NOT_LEADER errors, which may carry
     *     another front end's address. {@code null}: pass the error's address through unchanged.
     */
    public KvGrpcService(KvService service, RequestLimits limits, LongFunction<String> leaderClientAddress) {
        this.service = Objects.requireNonNull(service, "service");
        this.requests = new RequestMapper(limits);
        this.limits = limits;
        this.leaderClientAddress = leaderClientAddress;
    }

    public KvGrpcService(KvService service, RequestLimits limits) {
        this(service, limits, null);
    }

    public KvGrpcService(KvService service) {
        this(service, RequestLimits.DEFAULT);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
        write(out, () -> requests.put(request), ResponseMapper::put);
    }

    @Override
    public void delete(DeleteRequest request, StreamObserver<DeleteResponse> out) {
        write(out, () -> requests.delete(request), ResponseMapper::delete);
    }

    @Override
    public void compareAndSet(CompareAndSetRequest request, StreamObserver<CompareAndSetResponse> out) {
        write(out, () -> requests.compareAndSet(request), ResponseMapper::compareAndSet);
    }

    @Override
    public void increment(IncrementRequest request, StreamObserver<IncrementResponse> out) {
        write(out, () -> requests.increment(request), ResponseMapper::increment);
    }

    @Override
    public void batch(BatchRequest request, StreamObserver<BatchResponse> out) {
        write(out, () -> requests.batch(request), ResponseMapper::batch);
    }

    @Override
    public void openSession(OpenSessionRequest request, StreamObserver<OpenSessionResponse> out) {
        write(out, KvCommand::openSession, ResponseMapper::openSession);
    }

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> out) {
        read(out, request.getRead(), () -> requests.get(request), ResponseMapper::get);
    }

    @Override
    public void scan(ScanRequest request, StreamObserver<ScanResponse> out) {
        read(out, request.getRead(), () -> requests.scan(request), ResponseMapper::scan);
    }

    @Override
    public void count(CountRequest request, StreamObserver<CountResponse> out) {
        read(out, request.getRead(), () -> requests.count(request), ResponseMapper::count);
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        StatusResponse response;
        try {
            response = StatusMapper.status(service.info());
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.toStatus(e));
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    // ---- Plumbing ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Mapping<T> {
        T map() throws InvalidFieldException;
    }

    @FunctionalInterface
    private interface ResponseBuilder<T> {
        T build(KvResult result, long index);
    }

    private <T> void write(StreamObserver<T> out, Mapping<KvCommand> mapping, ResponseBuilder<T> builder) {
        KvCommand command;
        try {
            command = mapping.map();
        } catch (InvalidFieldException | IllegalArgumentException e) {
            out.onError(invalid(e));
            return;
        }
        reply(out, call(() -> service.write(command)), builder);
    }

    private <T> void read(StreamObserver<T> out, ReadOptions options, Mapping<KvOp> mapping,
                          ResponseBuilder<T> builder) {
        KvOp op;
        ReadConsistency consistency;
        long minIndex;
        try {
            op = mapping.map();
            consistency = RequestMapper.consistency(options, limits.readConsistencyDefault());
            minIndex = RequestMapper.minIndex(options);
        } catch (InvalidFieldException | IllegalArgumentException e) {
            out.onError(invalid(e));
            return;
        }
        reply(out, call(() -> service.read(op, consistency, minIndex)), builder);
    }

    /** A KvService that throws instead of returning a failed future is treated the same way. */
    private static CompletableFuture<KvService.Result> call(Supplier<CompletableFuture<KvService.Result>> call) {
        try {
            return Objects.requireNonNull(call.get(), "KvService returned a null future");
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> void reply(StreamObserver<T> out, CompletableFuture<KvService.Result> future,
                                  ResponseBuilder<T> builder) {
        future.whenComplete((result, failure) -> {
            if (failure != null) {
                out.onError(GrpcErrors.toStatus(failure, leaderClientAddress));
                return;
            }
            RuntimeException error = GrpcErrors.fromResult(result.result());
            if (error != null) {
                out.onError(error);
                return;
            }
            T response;
            try {
                response = builder.build(result.result(), result.index());
            } catch (RuntimeException e) {
                out.onError(GrpcErrors.toStatus(e));
                return;
            }
            out.onNext(response);
            out.onCompleted();
        });
    }

    private static RuntimeException invalid(Exception e) {
        if (e instanceof InvalidFieldException field) {
            return GrpcErrors.invalidArgument(field.getMessage(), field.field());
        }
        // A KvOp record refused an argument the mapper did not check itself.
        return GrpcErrors.invalidArgument(e.getMessage(), "");
    }
}
