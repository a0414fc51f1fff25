package io.kdop.hub.server;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.kdop.proto.v1.AgentServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A far smaller message limit for Join than the port's: anyone may call Join, and its request
 * (a token and a CSR of at most 8 KiB) is refused by size before protobuf parses it. gRPC has one
 * inbound limit per server; sessions need the larger one for their status reports. The caller
 * sees the call end with UNKNOWN (gRPC's answer to a request it cannot parse); no agent sends
 * such a request. A compressed request is bounded by the port's limit only (agents do not compress).
 */
public final class JoinMessageLimit {

    /** A join request: token id and secret, a CSR of at most 8 KiB, the agent's version. */
    public static final int MAX_JOIN_REQUEST_BYTES = 16 * 1024;

    private JoinMessageLimit() {}

    /** The service with its Join method's request marshaller bounded; every other method unchanged. */
    public static ServerServiceDefinition apply(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder limited =
                ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            limited.addMethod(limit(method));
        }
        return limited.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> limit(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        if (!AgentServiceGrpc.getJoinMethod().getFullMethodName().equals(descriptor.getFullMethodName())) {
            return method;
        }
        return ServerMethodDefinition.create(descriptor.toBuilder()
                .setRequestMarshaller(new Bounded<>(descriptor.getRequestMarshaller(), MAX_JOIN_REQUEST_BYTES))
                .build(), method.getServerCallHandler());
    }

    /** Refuses a message larger than the bound before the inner marshaller reads it. */
    record Bounded<T>(MethodDescriptor.Marshaller<T> inner, int maxBytes) implements MethodDescriptor.Marshaller<T> {

        @Override
        public InputStream stream(T value) {
            return inner.stream(value);
        }

        @Override
        public T parse(InputStream stream) {
            int size;
            try {
                // gRPC hands over a message it has fully read: available() is its size
                size = stream.available();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (size > maxBytes) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("a join request has at most " + maxBytes
                        + " bytes; this one has " + size).asRuntimeException();
            }
            return inner.parse(stream);
        }
    }
}
