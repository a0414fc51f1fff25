package io.kdop.hub.session;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.kdop.proto.Refusals;
import io.kdop.proto.v1.ErrorReason;
import io.kdop.proto.v1.HubMessage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The hub's side of a session stream, recording what the hub sent and how it ended. */
public final class RecordingStream extends ServerCallStreamObserver<HubMessage> {

    final List<HubMessage> sent = new CopyOnWriteArrayList<>();
    public volatile Throwable error;
    volatile boolean completed;

    public Optional<ErrorReason> closedWith() {
        return error == null ? Optional.empty() : Refusals.reasonOf(error);
    }

    Status.Code code() {
        return Status.fromThrowable(error).getCode();
    }

    @Override
    public void onNext(HubMessage value) {
        sent.add(value);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
        completed = true;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public void setOnCancelHandler(Runnable onCancelHandler) {}

    @Override
    public void setCompression(String compression) {}

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setOnReadyHandler(Runnable onReadyHandler) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
}
