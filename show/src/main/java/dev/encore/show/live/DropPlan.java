package dev.encore.show.live;

import static java.util.Objects.requireNonNull;

import dev.encore.show.Drop;
import dev.encore.show.PlannedSong;
import dev.encore.show.ShowConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drops a show run knows (from the show file's {@code drops:}) and which planned song cues which: what a
 * {@link LiveShow} needs to open drops on cue or on time. Not stored in the events: pass the same plan to
 * {@link LiveShow#open} and {@link LiveShow#replay}. Immutable.
 */
public final class DropPlan {
    /** No drops at all. */
    public static final DropPlan NONE = new DropPlan(Map.of(), List.of());

    private final Map<String, Drop> drops;
    private final List<List<String>> cues;

    private DropPlan(Map<String, Drop> drops, List<List<String>> cues) {
        this.drops = drops;
        this.cues = cues;
    }

    /**
     * The plan of a set list and its drops.
     *
     * @param songs the planned songs in set-list order; song {@code i}'s cues open when the song at index {@code i} starts
     * @param drops by id
     * @throws IllegalArgumentException when a song cues a drop that is not in {@code drops}
     */
    public static DropPlan of(List<PlannedSong> songs, Map<String, Drop> drops) {
        requireNonNull(songs, "songs");
        requireNonNull(drops, "drops");
        List<List<String>> cues = new ArrayList<>(songs.size());
        for (int i = 0; i < songs.size(); i++) {
            for (String id : songs.get(i).cueDrops()) {
                if (!drops.containsKey(id)) {
                    throw new IllegalArgumentException("song " + i + " cues drop '" + id + "' (expected: one of "
                            + String.join(", ", drops.keySet()) + ")");
                }
            }
            cues.add(songs.get(i).cueDrops());
        }
        for (Map.Entry<String, Drop> e : drops.entrySet()) {
            if (!e.getKey().equals(e.getValue().id())) {
                throw new IllegalArgumentException("drop key '" + e.getKey() + "' holds drop '" + e.getValue().id()
                        + "' (expected: each drop under its own id)");
            }
        }
        return new DropPlan(Collections.unmodifiableMap(new LinkedHashMap<>(drops)), List.copyOf(cues));
    }

    /** The plan of a show file. */
    public static DropPlan of(ShowConfig show) {
        return of(show.setList(), show.drops());
    }

    /** The drop with this id, or null. */
    public Drop drop(String id) {
        return id == null ? null : drops.get(id);
    }

    /** Every drop, in file order. */
    public Collection<Drop> drops() {
        return drops.values();
    }

    /** The drops the planned song at {@code songIndex} cues, in order; empty for a song added during the show. */
    public List<String> cuesOf(int songIndex) {
        return songIndex >= 0 && songIndex < cues.size() ? cues.get(songIndex) : List.of();
    }

    public boolean isEmpty() {
        return drops.isEmpty();
    }
}
