package io.kdop.hub.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.kdop.proto.v1.RegistryCredential;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PullSecretsTest {

    @Test
    void theSeedsOpaqueSecretWithUsernamePasswordAndServerIsACredential() {
        List<SpecProblem> problems = new ArrayList<>();
        List<RegistryCredential> out = PullSecrets.credentials("seed-regcred", Map.of("username", bytes("kdop-test"),
                "password", bytes("kdop-test-password"), "server", bytes("127.0.0.1:5000")), problems);

        assertThat(problems).isEmpty();
        assertThat(out).containsExactly(credential("127.0.0.1:5000", "kdop-test", "kdop-test-password"));
    }

    @Test
    void aServerWrittenAsAUrlBecomesItsHostAndNoServerMeansDockerHub() {
        List<SpecProblem> problems = new ArrayList<>();
        assertThat(PullSecrets.credentials("s", Map.of("username", bytes("u"), "password", bytes("p"),
                "server", bytes(" https://registry.example.org:5000/v2/ \n")), problems))
                .containsExactly(credential("registry.example.org:5000", "u", "p"));
        assertThat(PullSecrets.credentials("s", Map.of("username", bytes("u"), "password", bytes("p")), problems))
                .containsExactly(credential("docker.io", "u", "p"));
        assertThat(problems).isEmpty();
    }

    @Test
    void dockerConfigJsonAndTheOlderDockercfgAreRead() {
        List<SpecProblem> problems = new ArrayList<>();
        String auth = Base64.getEncoder().encodeToString(bytes("alice:wonder"));
        assertThat(PullSecrets.credentials("a", Map.of(".dockerconfigjson",
                bytes("{\"auths\":{\"https://127.0.0.1:5000/v2/\":{\"auth\":\"" + auth + "\"}}}")), problems))
                .containsExactly(credential("127.0.0.1:5000", "alice", "wonder"));
        assertThat(PullSecrets.credentials("b", Map.of(".dockercfg",
                bytes("{\"reg.example.org\":{\"username\":\"bob\",\"password\":\"pw\",\"email\":\"b@x\"}}")), problems))
                .containsExactly(credential("reg.example.org", "bob", "pw"));
        assertThat(problems).isEmpty();
    }

    @Test
    void anythingElseIsAClearProblemNamingKeysNeverValues() {
        assertThat(problem(Map.of("token", bytes("hunter2"))).message())
                .contains("Secret odd has neither a Docker config", "its keys are token", "username, password and server")
                .doesNotContain("hunter2");
        assertThat(problem(Map.of()).message()).contains("its keys are none");
        assertThat(problem(Map.of("username", bytes("u"), "server", bytes("r"))).message())
                .contains("has the key username but no key password");
        assertThat(problem(Map.of("password", bytes("hunter2"))).message())
                .contains("has the key password but no key username").doesNotContain("hunter2");
        assertThat(problem(Map.of("username", bytes("u"), "password", bytes(""))).message()).contains("an empty password");
        assertThat(problem(Map.of(".dockerconfigjson", bytes("[\"hunter2\"]"))).message())
                .contains("not hold a valid Docker config JSON").doesNotContain("hunter2");
        assertThat(problem(Map.of(".dockerconfigjson", bytes("{\"auths\":{\"r\":{\"auth\":\"aHVudGVyMg==\"}}}"))).message())
                .doesNotContain("hunter2");
    }

    private static SpecProblem problem(Map<String, byte[]> data) {
        List<SpecProblem> problems = new ArrayList<>();
        assertThat(PullSecrets.credentials("odd", data, problems)).isEmpty();
        assertThat(problems).singleElement().extracting(SpecProblem::reason).isEqualTo("InvalidPullSecret");
        return problems.getFirst();
    }

    private static RegistryCredential credential(String server, String user, String password) {
        return RegistryCredential.newBuilder().setServer(server).setUsername(user).setPassword(password).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
