package io.kdop.hub.direct;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The image secret volume carriers are made of: one empty layer, no command, nothing that could
 * run, built here as a {@code docker save} archive for {@code POST /images/load}, so no registry
 * or pull is needed. (docker-java's import, {@code createImageCmd} with a stream, sends "{}"
 * instead of the stream.) Pure.
 */
final class CarrierImage {

    static final String REPOSITORY = "kdop-secrets-carrier";
    static final String TAG = "1";
    static final String REFERENCE = REPOSITORY + ":" + TAG;

    private CarrierImage() {}

    /** The image as {@code docker load} takes it. */
    static byte[] archive() {
        try {
            byte[] layer = new byte[1024]; // a tar with no entries: its two end-of-archive blocks
            String layerDigest = sha256(layer);
            byte[] config = ("{\"os\":\"linux\",\"config\":{\"Labels\":{\"kdop.io.vn/managed-by\":\""
                    + SecretVolumeNames.MANAGED_BY_VALUE + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                    + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
            String configName = sha256(config) + ".json";
            byte[] manifest = ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + REFERENCE
                    + "\"],\"Layers\":[\"" + layerDigest + "/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
                add(tar, layerDigest + "/layer.tar", layer);
                add(tar, configName, config);
                add(tar, "manifest.json", manifest);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0644);
        e.setModTime(Date.from(Instant.EPOCH));
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
