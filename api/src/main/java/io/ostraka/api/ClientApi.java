package io.ostraka.api;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.ostraka.api.kv.v1.ErrorInfo;

/**
 * Constants of the client wire contract ({@code ostraka/kv/v1/kv.proto}) shared by the server's
 * gRPC front end and the Java client, so both read and write error details the same way.
 */
public final class ClientApi {
    private ClientApi() {}

    /** The default client gRPC port (DESIGN.md, "Server and front ends"). */
    public static final int DEFAULT_PORT = 5379;

    /** The trailer carrying an {@link ErrorInfo}: {@code ostraka.kv.v1.errorinfo-bin}. */
    public static final Metadata.Key<ErrorInfo> ERROR_INFO_KEY = ProtoUtils.keyForProto(ErrorInfo.getDefaultInstance());

    /** The {@link ErrorInfo} in the trailers of {@code e}, or {@code null} if it has none. */
    public static ErrorInfo errorInfo(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        return trailers == null ? null : trailers.get(ERROR_INFO_KEY);
    }
}
