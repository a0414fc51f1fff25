package io.kdop.proto;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.kdop.proto.v1.ErrorReason;
import java.util.Optional;

/**
 * Builds and reads the hub's refusals: a gRPC status with a {@code google.rpc.ErrorInfo} whose
 * reason names an {@link ErrorReason}, so agents act on a reason instead of parsing text.
 */
public final class Refusals {

    public static final String DOMAIN = "kdop.io.vn";

    private Refusals() {}

    /** A refusal with the gRPC code that fits the reason. */
    public static StatusRuntimeException refuse(ErrorReason reason, String message) {
        return refuse(codeFor(reason), reason, message);
    }

    static Status.Code codeFor(ErrorReason reason) {
        return switch (reason) {
            case TOKEN_UNKNOWN, TOKEN_INVALID, CERTIFICATE_REQUIRED -> Status.Code.UNAUTHENTICATED;
            case CSR_INVALID, PROTOCOL_VIOLATION -> Status.Code.INVALID_ARGUMENT;
            case SESSION_REPLACED -> Status.Code.ABORTED;
            case IDENTITY_IN_USE -> Status.Code.ALREADY_EXISTS;
            case TOKEN_EXPIRED, TOKEN_USED, HOST_REVOKED, IDENTITY_MISMATCH, TUNNEL_UNKNOWN, CA_RETIRED ->
                    Status.Code.PERMISSION_DENIED;
            case ERROR_REASON_UNSPECIFIED, UNRECOGNIZED -> Status.Code.UNKNOWN;
        };
    }

    public static StatusRuntimeException refuse(Status.Code code, ErrorReason reason, String message) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder()
                        .setDomain(DOMAIN)
                        .setReason(reason.name())
                        .build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** The kdop reason carried by a refusal, if the throwable is one. */
    public static Optional<ErrorReason> reasonOf(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return Optional.empty();
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    ErrorInfo info = detail.unpack(ErrorInfo.class);
                    if (DOMAIN.equals(info.getDomain())) {
                        return Optional.of(ErrorReason.valueOf(info.getReason()));
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException | IllegalArgumentException e) {
                    return Optional.of(ErrorReason.ERROR_REASON_UNSPECIFIED);
                }
            }
        }
        return Optional.empty();
    }
}
