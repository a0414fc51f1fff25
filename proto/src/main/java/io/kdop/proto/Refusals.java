package io.kdop.proto;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.kdop.proto.v1.ErrorReason;
import java.time.Duration;
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
            case HOST_IS_DIRECT -> Status.Code.FAILED_PRECONDITION;
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

    /**
     * The hub is too busy to take the call now: RESOURCE_EXHAUSTED with a standard
     * {@code google.rpc.RetryInfo}, so the caller comes back when the hub expects to have room
     * instead of guessing with its own backoff.
     */
    public static StatusRuntimeException busy(String message, Duration retryAfter) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.RESOURCE_EXHAUSTED.value())
                .setMessage(message)
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                                .setSeconds(retryAfter.getSeconds()).setNanos(retryAfter.getNano()))
                        .build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** How long the hub asked the caller to wait before trying again, if it said so. */
    public static Optional<Duration> retryDelayOf(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return Optional.empty();
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(RetryInfo.class)) {
                try {
                    com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
                    Duration d = Duration.ofSeconds(delay.getSeconds(), delay.getNanos());
                    return d.isNegative() ? Optional.empty() : Optional.of(d);
                } catch (com.google.protobuf.InvalidProtocolBufferException | ArithmeticException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
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
