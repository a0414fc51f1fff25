package io.kdop.hub.server;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.kdop.hub.join.JoinQueue;
import io.kdop.hub.join.JoinService;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.JoinRequest;
import io.kdop.proto.v1.JoinResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Join call waiting in the {@link JoinQueue}: its deadline, its answer. */
final class QueuedJoin implements JoinQueue.Join {

    private static final Logger LOG = LoggerFactory.getLogger(QueuedJoin.class);

    private final JoinService joins;
    private final JoinRequest request;
    private final ServerCallStreamObserver<JoinResponse> responses;
    private final Deadline deadline;

    QueuedJoin(JoinService joins, JoinRequest request, ServerCallStreamObserver<JoinResponse> responses) {
        this.joins = joins;
        this.request = request;
        this.responses = responses;
        this.deadline = Context.current().getDeadline();
    }

    @Override
    public Optional<Duration> timeLeft() {
        return Optional.ofNullable(deadline).map(d -> Duration.ofNanos(d.timeRemaining(TimeUnit.NANOSECONDS)));
    }

    @Override
    public boolean abandoned() {
        return responses.isCancelled();
    }

    @Override
    public void run() {
        JoinResponse response;
        try {
            response = joins.join(request);
        } catch (StatusRuntimeException refusal) {
            responses.onError(refusal);
            return;
        } catch (RuntimeException e) {
            // on a join worker nobody else would answer the call: the agent would wait out its deadline
            LOG.error("join with token {} failed", request.getTokenId(), e);
            responses.onError(Status.INTERNAL.withDescription("the hub failed to process the join; try again")
                    .asRuntimeException());
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }

    @Override
    public void defer(Duration retryAfter, int waiting) {
        responses.onError(Refusals.busy("the hub is busy with " + waiting + " other joins; try again in "
                + Math.max(1, retryAfter.toSeconds()) + " s", retryAfter));
    }
}
