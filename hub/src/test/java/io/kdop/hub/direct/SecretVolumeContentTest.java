package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kdop.proto.v1.SecretFile;
import io.kdop.proto.v1.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretVolumeContentTest {

    private static SecretFiles secret(String... keysAndValues) {
        SecretFiles.Builder b = SecretFiles.newBuilder().setSecretName("db").setMountPath("/etc/db");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            b.addFiles(SecretFile.newBuilder().setName(keysAndValues[i])
                    .setContent(ByteString.copyFromUtf8(keysAndValues[i + 1])));
        }
        return b.build();
    }

    /** The volume after the writes, as Docker's archive endpoint leaves it (replace, never delete). */
    private static Map<String, VolumeEntry> apply(Map<String, VolumeEntry> volume, List<VolumeEntry> writes) {
        Map<String, VolumeEntry> after = new LinkedHashMap<>(volume);
        for (VolumeEntry w : writes) {
            VolumeEntry existing = after.get(w.path());
            boolean merge = existing != null && existing.kind() == VolumeEntry.Kind.DIRECTORY
                    && w.kind() == VolumeEntry.Kind.DIRECTORY;
            if (!merge) {
                after.keySet().removeIf(p -> p.equals(w.path()) || p.startsWith(w.path() + "/"));
            }
            after.put(w.path(), w);
        }
        return after;
    }

    /** What a container reads at {@code name} through the links, or null when nothing is there. */
    private static String read(Map<String, VolumeEntry> volume, String name) {
        String path = name;
        for (int hops = 0; hops < 10; hops++) {
            VolumeEntry e = volume.get(path);
            if (e == null) {
                int slash = path.indexOf('/');
                VolumeEntry dir = slash < 0 ? null : volume.get(path.substring(0, slash));
                if (dir != null && dir.kind() == VolumeEntry.Kind.LINK) {
                    path = dir.linkTarget() + path.substring(slash);
                    continue;
                }
                return null;
            }
            if (e.kind() == VolumeEntry.Kind.LINK) {
                path = e.linkTarget();
                continue;
            }
            return e.kind() == VolumeEntry.Kind.FILE ? new String(e.content(), StandardCharsets.UTF_8) : null;
        }
        throw new AssertionError("link loop at " + name);
    }

    @Test
    void anEmptyVolumeGetsAGenerationTheDataLinkAndALinkPerKey() {
        SecretVolumeContent.Update update = SecretVolumeContent.plan(Map.of(), secret("user", "app", "password", "pw1"));

        Map<String, VolumeEntry> volume = apply(Map.of(), update.writes());
        assertThat(update.changes()).isEqualTo(2);
        assertThat(read(volume, "user")).isEqualTo("app");
        assertThat(read(volume, "password")).isEqualTo("pw1");
        assertThat(volume.get("..data")).isEqualTo(VolumeEntry.link("..data", "..a"));
        assertThat(volume.get("..a/password").mode()).isEqualTo(0644);
        assertThat(volume.get("..a").mode()).isEqualTo(0755);
    }

    @Test
    void aVolumeThatHoldsTheSecretNeedsNoWrite() {
        Map<String, VolumeEntry> volume = apply(Map.of(),
                SecretVolumeContent.plan(Map.of(), secret("user", "app")).writes());

        SecretVolumeContent.Update again = SecretVolumeContent.plan(volume, secret("user", "app"));

        assertThat(again.writes()).isEmpty();
        assertThat(again.changes()).isZero();
    }

    @Test
    void aRotationWritesTheOtherGenerationSwitchesToItAndEmptiesTheFormerValues() {
        Map<String, VolumeEntry> v1 = apply(Map.of(), SecretVolumeContent.plan(Map.of(), secret("password", "pw1")).writes());

        SecretVolumeContent.Update update = SecretVolumeContent.plan(v1, secret("password", "pw2"));
        Map<String, VolumeEntry> v2 = apply(v1, update.writes());

        assertThat(update.changes()).isEqualTo(1);
        assertThat(read(v2, "password")).isEqualTo("pw2");
        assertThat(v2.get("..data").linkTarget()).isEqualTo("..b");
        assertThat(v2.get("..a")).isEqualTo(VolumeEntry.file("..a", new byte[0], 0644));
        assertThat(v2.values()).noneMatch(e -> new String(e.content(), StandardCharsets.UTF_8).equals("pw1"));
        // the key's own link is not rewritten: a reader never finds it missing
        assertThat(update.writes()).noneMatch(w -> w.path().equals("password"));
        // the switch comes after the new files, the scrub after the switch
        List<String> order = update.writes().stream().map(VolumeEntry::path).toList();
        assertThat(order.indexOf("..data")).isGreaterThan(order.indexOf("..b/password"));
        assertThat(order.lastIndexOf("..a")).isGreaterThan(order.indexOf("..data"));

        Map<String, VolumeEntry> v3 = apply(v2, SecretVolumeContent.plan(v2, secret("password", "pw3")).writes());
        assertThat(read(v3, "password")).isEqualTo("pw3");
        assertThat(v3.get("..data").linkTarget()).isEqualTo("..a");
    }

    @Test
    void aKeyTheSecretNoLongerHasCannotBeReadAnyMore() {
        Map<String, VolumeEntry> v1 = apply(Map.of(),
                SecretVolumeContent.plan(Map.of(), secret("user", "app", "old", "gone-soon")).writes());

        SecretVolumeContent.Update update = SecretVolumeContent.plan(v1, secret("user", "app"));
        Map<String, VolumeEntry> v2 = apply(v1, update.writes());

        assertThat(update.changes()).isEqualTo(1);
        assertThat(read(v2, "user")).isEqualTo("app");
        assertThat(read(v2, "old")).isNull();
    }

    @Test
    void aStaleGenerationOfTheNextNameIsReplacedWholeNotMergedInto() {
        Map<String, VolumeEntry> v1 = new LinkedHashMap<>(apply(Map.of(),
                SecretVolumeContent.plan(Map.of(), secret("user", "app")).writes()));
        v1.put("..b", VolumeEntry.directory("..b", 0755));
        v1.put("..b/leftover", VolumeEntry.file("..b/leftover", "old-value".getBytes(StandardCharsets.UTF_8), 0644));

        Map<String, VolumeEntry> v2 = apply(v1, SecretVolumeContent.plan(v1, secret("user", "bob")).writes());

        assertThat(v2).doesNotContainKey("..b/leftover");
        assertThat(read(v2, "user")).isEqualTo("bob");
    }

    @Test
    void aFileWithTheWrongModeOrAMissingKeyLinkIsRepaired() {
        Map<String, VolumeEntry> v1 = new LinkedHashMap<>(apply(Map.of(),
                SecretVolumeContent.plan(Map.of(), secret("user", "app")).writes()));
        v1.remove("user");

        SecretVolumeContent.Update update = SecretVolumeContent.plan(v1, secret("user", "app"));
        assertThat(update.writes()).containsExactly(VolumeEntry.link("user", "..data/user"));
        assertThat(update.changes()).isZero();

        v1.put("..a/user", VolumeEntry.file("..a/user", "app".getBytes(StandardCharsets.UTF_8), 0600));
        Map<String, VolumeEntry> v2 = apply(v1, SecretVolumeContent.plan(v1, secret("user", "app")).writes());
        assertThat(v2.get("..b/user").mode()).isEqualTo(0644);
        assertThat(read(v2, "user")).isEqualTo("app");
    }

    @Test
    void keysThatAreNoPlainFileNameOrThatTheLayoutReservesAreRefusedByNameOnly() {
        assertThat(SecretVolumeContent.problem(secret("tls.crt", "x", "ca.pem", "y"))).isEmpty();
        for (String bad : List.of("..data", "..a", "a/b", "", ".")) {
            assertThat(SecretVolumeContent.problem(secret(bad, "the-value")))
                    .hasValueSatisfying(p -> assertThat(p).contains("Secret db").doesNotContain("the-value"));
        }
    }
}
