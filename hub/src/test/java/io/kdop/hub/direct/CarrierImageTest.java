package io.kdop.hub.direct;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class CarrierImageTest {

    @Test
    void isADockerSaveArchiveOfOneEmptyLayerTaggedAsTheCarrierImage() throws Exception {
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(CarrierImage.archive()))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        String layer = files.keySet().stream().filter(n -> n.endsWith("/layer.tar")).findFirst().orElseThrow();
        String config = files.keySet().stream().filter(n -> n.endsWith(".json") && !n.equals("manifest.json"))
                .findFirst().orElseThrow();

        assertThat(manifest).contains("\"RepoTags\":[\"kdop-secrets-carrier:1\"]", "\"Config\":\"" + config + "\"",
                "\"Layers\":[\"" + layer + "\"]");
        assertThat(files.get(layer)).hasSize(1024).containsOnly(0);
        // Docker checks both digests on load
        assertThat(config).isEqualTo(CarrierImage.sha256(files.get(config)) + ".json");
        assertThat(new String(files.get(config), StandardCharsets.UTF_8))
                .contains("\"diff_ids\":[\"sha256:" + CarrierImage.sha256(files.get(layer)) + "\"]");
    }
}
