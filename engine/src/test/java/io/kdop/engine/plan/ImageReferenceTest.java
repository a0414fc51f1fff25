package io.kdop.engine.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.ContainerSpec;
import io.kdop.proto.v1.RegistryCredential;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void splitsReferencesAsDockerDoes() {
        assertThat(ImageReference.parse("nginx")).isEqualTo(new ImageReference("docker.io", "nginx", "", ""));
        assertThat(ImageReference.parse("nginx").tagOrDigest()).isEqualTo("latest");
        assertThat(ImageReference.parse("library/nginx:1.27")).isEqualTo(new ImageReference("docker.io", "library/nginx", "1.27", ""));
        assertThat(ImageReference.parse("127.0.0.1:5000/team/app:v2"))
                .isEqualTo(new ImageReference("127.0.0.1:5000", "127.0.0.1:5000/team/app", "v2", ""));
        assertThat(ImageReference.parse("localhost/app")).isEqualTo(new ImageReference("localhost", "localhost/app", "", ""));
        assertThat(ImageReference.parse("registry.example.org:5000/app")).isEqualTo(
                new ImageReference("registry.example.org:5000", "registry.example.org:5000/app", "", ""));
        ImageReference pinned = ImageReference.parse("ghcr.io/org/app:1@sha256:abc");
        assertThat(pinned).isEqualTo(new ImageReference("ghcr.io", "ghcr.io/org/app", "1", "sha256:abc"));
        assertThat(pinned.tagOrDigest()).isEqualTo("sha256:abc");
        assertThat(ImageReference.parse("kdop-test/busybox:1").registry()).as("a path, not a host").isEqualTo("docker.io");
    }

    @Test
    void picksTheCredentialOfTheImagesRegistry() {
        RegistryCredential hub = RegistryCredential.newBuilder().setServer("https://index.docker.io/v1/").setUsername("h").build();
        RegistryCredential local = RegistryCredential.newBuilder().setServer("http://127.0.0.1:5000/").setUsername("l").build();
        RegistryCredential other = RegistryCredential.newBuilder().setServer("registry.example.org").setUsername("o").build();
        ContainerSpec.Builder spec = ContainerSpec.newBuilder().addRegistryCredentials(other).addRegistryCredentials(local)
                .addRegistryCredentials(hub);
        assertThat(RegistryCredentials.forImage(spec.setImage("127.0.0.1:5000/team/app:1").build())).contains(local);
        assertThat(RegistryCredentials.forImage(spec.setImage("nginx:1").build())).contains(hub);
        assertThat(RegistryCredentials.forImage(spec.setImage("registry.example.org/app").build())).contains(other);
        assertThat(RegistryCredentials.forImage(spec.setImage("quay.io/app").build())).isEmpty();
        assertThat(RegistryCredentials.host("Registry.Example.org:5000")).isEqualTo("registry.example.org:5000");
    }
}
