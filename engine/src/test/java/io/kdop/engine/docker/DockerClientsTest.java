package io.kdop.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.AuthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerClientsTest {

    @Test
    void aClientForAnotherMachinesDaemonCarriesNoneOfTheProcesssRegistryCredentials(@TempDir Path home)
            throws Exception {
        String auth = Base64.getEncoder().encodeToString("operator:s3cret".getBytes());
        Files.writeString(home.resolve("config.json"), "{\"auths\":{\"registry.example.org\":{\"auth\":\"" + auth + "\"}},"
                + "\"HttpHeaders\":{}}");
        String before = System.getProperty("DOCKER_CONFIG");
        // docker-java reads DOCKER_CONFIG from system properties as from the environment
        System.setProperty("DOCKER_CONFIG", home.toString());
        System.setProperty("registry.username", "operator");
        try {
            AuthConfig effective = DockerClients.directConfig("tcp://192.0.2.10:2376")
                    .effectiveAuthConfig("registry.example.org/app:1");

            assertThat(effective == null ? null : effective.getUsername()).isNull();
            assertThat(effective == null ? null : effective.getPassword()).isNull();
            assertThat(effective == null ? null : effective.getAuth()).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("DOCKER_CONFIG");
            } else {
                System.setProperty("DOCKER_CONFIG", before);
            }
            System.clearProperty("registry.username");
        }
    }
}
