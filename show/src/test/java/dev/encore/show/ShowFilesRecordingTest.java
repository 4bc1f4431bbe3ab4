package dev.encore.show;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issue 7 keys of a show file: {@code recording} and {@code highlights} (with its post-show offer). */
class ShowFilesRecordingTest {
    private static final String HEAD = """
            id: rooftop-3
            title: "Rooftop Acoustic #3"
            performer:
              key: "correct horse battery staple"
            """;

    private static ShowConfig parse(String yaml) throws ShowFileException {
        return ShowFiles.parse("rooftop.yaml", yaml, Map.of());
    }

    private static String failure(String yaml) {
        ShowFileException e = catchThrowableOfType(ShowFileException.class, () -> parse(yaml));
        assertThat(e).as("expected a ShowFileException for:%n%s", yaml).isNotNull();
        return e.getMessage();
    }

    @Test
    void absentKeysRecordWithSixtySecondGeneratedClips() throws Exception {
        ShowConfig show = parse(HEAD);

        assertThat(show.recording()).isTrue();
        assertThat(show.highlights()).isEqualTo(new HighlightsSettings(60, null, null));
    }

    @Test
    void recordingOffAndAnEmptyHighlightsSection() throws Exception {
        ShowConfig show = parse(HEAD + "recording: false\nhighlights:\n");

        assertThat(show.recording()).isFalse();
        assertThat(show.highlights()).isEqualTo(HighlightsSettings.DEFAULT);
        assertThat(show.withRecording(true).recording()).isTrue();
    }

    @Test
    void coverIsResolvedAgainstTheShowFilesFolder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("shows").resolve("rooftop.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, HEAD + "highlights:\n  maxSeconds: 45\n  cover: art/cover.png\n");

        ShowConfig show = ShowFiles.load(file, Map.of());

        assertThat(show.highlights().maxSeconds()).isEqualTo(45);
        assertThat(show.highlights().cover()).isEqualTo(dir.resolve("shows/art/cover.png").toAbsolutePath());
    }

    @Test
    void anAbsoluteCoverStaysAsGiven() throws Exception {
        assertThat(parse(HEAD + "highlights: { cover: /srv/art/cover.jpg }").highlights().cover())
                .isEqualTo(Path.of("/srv/art/cover.jpg"));
    }

    @Test
    void recordingMustBeABoolean() {
        assertThat(failure(HEAD + "recording: yes please\n"))
                .isEqualTo("rooftop.yaml:5: recording: 'yes please' is not a boolean (expected: true or false)");
    }

    @Test
    void maxSecondsOutOfRangeOrNotANumber() {
        assertThat(failure(HEAD + "highlights:\n  maxSeconds: 0\n"))
                .isEqualTo("rooftop.yaml:6: highlights.maxSeconds: 0 is out of range (expected: an integer 1..600)");
        assertThat(failure(HEAD + "highlights:\n  maxSeconds: 601\n")).contains("601 is out of range");
        assertThat(failure(HEAD + "highlights:\n  maxSeconds: a minute\n")).contains("is not an integer");
    }

    @Test
    void blankCoverAndUnknownKeysAreRefused() {
        assertThat(failure(HEAD + "highlights:\n  cover: \"  \"\n"))
                .contains("highlights.cover").contains("(expected: the path of a PNG or JPEG image, relative to the show file)");
        assertThat(failure(HEAD + "highlights:\n  maxSecond: 30\n"))
                .contains("highlights.maxSecond: unknown key, did you mean 'maxSeconds'?");
        assertThat(failure(HEAD + "highlights: 60\n")).contains("highlights: is ");
    }

    private static final String DROPS = """
            drops:
              vinyl:
                text: "Signed vinyl, tonight only — €25"
                url: "https://shop.example.org/vinyl"
                at: 10m
              vip:
                text: "VIP bundle"
                url: "https://shop.example.org/vip"
                at: 20m
            """;

    @Test
    void offerNamesADrop() throws Exception {
        ShowConfig show = parse(HEAD + DROPS + "highlights:\n  offer: vip\n");

        assertThat(show.highlights().offer()).isEqualTo("vip");
        assertThat(show.drops()).containsKey(show.highlights().offer());
        assertThat(parse(HEAD + DROPS).highlights().offer()).isNull();
    }

    @Test
    void offerOfAnUnknownDropIsRefusedWithTheDropsThereAre() {
        assertThat(failure(HEAD + DROPS + "highlights:\n  offer: poster\n"))
                .isEqualTo("rooftop.yaml:15: highlights.offer: 'poster' is not a drop (expected: one of the drops' ids:"
                        + " vinyl, vip)");
        assertThat(failure(HEAD + "highlights:\n  offer: vinyl\n"))
                .isEqualTo("rooftop.yaml:6: highlights.offer: 'vinyl' is not a drop (expected: one of the drops' ids, and"
                        + " there is no drops: section)");
        assertThat(failure(HEAD + DROPS + "highlights:\n  offer: Vinyl!\n"))
                .contains("highlights.offer").contains("(expected: the id of a drop under drops:)");
    }

    @Test
    void settingsCheckTheirRange() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new HighlightsSettings(0, null)))
                .hasMessage("maxSeconds: 0 (expected: 1..600)");
    }
}
