package io.kdop.engine.docker;

import io.kdop.engine.plan.DesiredContainer;
import io.kdop.proto.v1.RegistryCredential;
import java.util.Optional;

/**
 * The Docker calls the engine's steps make, each failing with an exception that carries Docker's
 * message. {@link DockerExecutor} makes them against a daemon; the step logic above takes any
 * implementation, so it is tested without one.
 */
public interface DockerCalls {

    /** Pulls the image, with the credential for its registry if there is one. */
    void pull(String image, Optional<RegistryCredential> credential) throws InterruptedException;

    /** Creates the container; @return its id */
    String create(DesiredContainer desired);

    /** Starts a created or stopped container. */
    void start(String id);

    /** Stops a container (within {@link DockerExecutor#STOP_GRACE}) and removes it. */
    void stopAndRemove(String id);

    /** Kills a running container. */
    void kill(String id);

    /** Removes a container, running or not. */
    void remove(String id);

    /** The last {@code lines} lines of the container's output, raw. */
    byte[] outputTail(String id, int lines) throws InterruptedException;
}
