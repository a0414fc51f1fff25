package io.kdop.engine.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Docker said in one pass: never cached between passes, because anyone with the Docker
 * socket may have changed anything since.
 *
 * @param managed every container labelled managed-by kdop and with this host's UID
 * @param nameHolders by name: the other containers holding a name a desired workload wants
 * @param presentImages the desired image references that are on the host
 * @param imageDefaults by image id: the defaults of the images the managed containers run
 */
public record ObservedState(List<ObservedContainer> managed, Map<String, NameHolder> nameHolders,
        Set<String> presentImages, Map<String, ImageDefaults> imageDefaults) {

    public static final ObservedState EMPTY = new ObservedState(List.of(), Map.of(), Set.of(), Map.of());

    public ObservedState {
        managed = List.copyOf(managed);
        nameHolders = Map.copyOf(nameHolders);
        presentImages = Set.copyOf(presentImages);
        imageDefaults = Map.copyOf(imageDefaults);
    }

    /** The defaults of the image a container was created from, if Docker still has it. */
    public Optional<ImageDefaults> defaultsOf(ObservedContainer container) {
        return Optional.ofNullable(imageDefaults.get(container.imageId()));
    }
}
