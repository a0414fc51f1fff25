package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class VolumeTarTest {

    private static final byte[] VALUE = "s3cret".getBytes(StandardCharsets.UTF_8);

    @Test
    void writesEntriesInOrderOwnedByRootWithTheirModes() throws Exception {
        byte[] tar = VolumeTar.write(List.of(VolumeEntry.file("..a", new byte[0], 0644),
                VolumeEntry.directory("..a", 0755), VolumeEntry.file("..a/key", VALUE, 0644),
                VolumeEntry.link("..data", "..a")), Instant.parse("2026-01-01T00:00:00Z"));

        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("..a");
            assertThat(e.isFile()).isTrue();
            e = in.getNextEntry();
            assertThat(e.isDirectory()).isTrue();
            assertThat(e.getMode() & 07777).isEqualTo(0755);
            e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("..a/key");
            assertThat(e.getMode() & 07777).isEqualTo(0644);
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            assertThat(in.readAllBytes()).isEqualTo(VALUE);
            e = in.getNextEntry();
            assertThat(e.isSymbolicLink()).isTrue();
            assertThat(e.getLinkName()).isEqualTo("..a");
            assertThat(in.getNextEntry()).isNull();
        }
    }

    @Test
    void readsWhatDockerGivesForADirectoryRelativeToIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.putArchiveEntry(new TarArchiveEntry("kdop-secrets/", TarArchiveEntry.LF_DIR));
            out.closeArchiveEntry();
            TarArchiveEntry dir = new TarArchiveEntry("kdop-secrets/..a/", TarArchiveEntry.LF_DIR);
            dir.setMode(040755);
            out.putArchiveEntry(dir);
            out.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry("kdop-secrets/..a/key");
            file.setMode(0100644);
            file.setSize(VALUE.length);
            out.putArchiveEntry(file);
            out.write(VALUE);
            out.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("kdop-secrets/..data", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("..a");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
        }

        Map<String, VolumeEntry> read = VolumeTar.read(new ByteArrayInputStream(bytes.toByteArray()));

        assertThat(read).containsExactly(Map.entry("..a", VolumeEntry.directory("..a", 0755)),
                Map.entry("..a/key", VolumeEntry.file("..a/key", VALUE, 0644)),
                Map.entry("..data", VolumeEntry.link("..data", "..a")));
        assertThat(read.get("..a/key").toString()).doesNotContain("s3cret");
    }
}
