package io.kdop.hub.tunnel;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.kdop.proto.tunnel.TransportLoops;
import java.util.Optional;

/**
 * Remembers the event loop that carries each agent connection (told when the connection is
 * ready, which runs on that loop) and hands it to the connection's calls, so a tunnel's client
 * socket joins its call's loop: a call's first callbacks may run on the server's call threads.
 */
public final class ConnectionLoops extends ServerTransportFilter implements ServerInterceptor {

    private static final Attributes.Key<EventLoop> LOOP = Attributes.Key.create("kdop-connection-loop");
    static final Context.Key<Optional<EventLoop>> CALL_LOOP = Context.key("kdop-connection-loop");

    private final TransportLoops loops;

    public ConnectionLoops(TransportLoops loops) {
        this.loops = loops;
    }

    @Override
    public Attributes transportReady(Attributes transport) {
        return transport.toBuilder().set(LOOP, loops.current()).build();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(CALL_LOOP,
                Optional.ofNullable(call.getAttributes().get(LOOP))), call, headers, next);
    }
}
