package dev.encore.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.app.HttpApi.HttpError;
import dev.encore.recording.AtomicFiles;
import dev.encore.recording.clip.ClipException;
import dev.encore.recording.clip.ClipRenderer;
import dev.encore.recording.clip.ClipRequest;
import dev.encore.recording.clip.ClipResult;
import dev.encore.show.ShowConfig;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Highlights clips on demand (issue 7): the performer console lists a show's recordings, asks for a clip of a song or a
 * span of one, follows its state and plays it. All with {@code Authorization: Bearer <performer key>}.
 *
 * <pre>
 *   GET  /api/shows/{show}/recordings      → 200 {"show", "recordings": [{name, run, startedAt, durationSeconds, complete,
 *                                                  chapters: [{song, title, fromSeconds, toSeconds}]}]}   newest first
 *   POST /api/shows/{show}/clips           {"song": 2}  or  {"from": "1:30", "to": "2:15"}, optionally "recording": name
 *                                          (default: the latest) → 202 {clip} with state "rendering"
 *   GET  /api/shows/{show}/clips           → 200 {"show", "clips": [{clip}]}   newest first
 *   GET  /api/shows/{show}/clips/{id}.mp4  → 200 video/mp4, or 206 for one byte range ({@code Range: bytes=a-b})
 *
 *   {clip} = {id, state: rendering|ready|failed, recording, song, title, fromSeconds, toSeconds, durationSeconds, bytes,
 *             createdAt, finishedAt, error, url}
 * </pre>
 *
 * <p><b>One render at a time.</b> A clip is rendered on this class's one render thread, never on an event loop. A request
 * while a clip renders (for any show of the server) is answered 409 with {@code Retry-After}, not queued: a click is never
 * silently parked behind others, and the server's audio never shares its CPU with more than one render. Bad requests are
 * answered at once, before anything renders: the span is checked against the recording with
 * {@link ClipRenderer#check} (the same {@link ClipException} messages {@code encore clip} prints).
 *
 * <p><b>Files.</b> {@code <data-dir>/clips/<show>-clip-<id>.mp4}, written by the renderer to a temp file that is renamed
 * when whole, and {@code <show>-clip-<id>.json} (what the list says of it), written the same way once the clip is ready,
 * so ready clips are listed again after a restart. A failed clip leaves no file and is remembered in memory only. Other
 * files in the folder (the after-set clip {@code <show>-run<N>.mp4}, anything else) are left alone. The id is 12 random
 * hex digits; a request names a clip only through this class's table, never as a path.
 *
 * <p><b>Threads.</b> Routes run on the HTTP event loops and only parse and check; reading recordings, checking spans and
 * reading clip files happens on the {@code clip-io} thread, rendering on {@code clip-render}. The clip table holds
 * immutable entries in a concurrent map. {@link #close} from any thread.
 */
final class ClipApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClipApi.class);
    static final String MP4 = "video/mp4";
    /** Clips a show may have on disk and rendering; beyond, a new one is refused (they are a few megabytes each). */
    static final int MAX_CLIPS_PER_SHOW = 100;
    /** Failed clips a show's list remembers. */
    static final int MAX_FAILED_PER_SHOW = 20;
    private static final Set<String> FIELDS = Set.of("song", "from", "to", "recording");
    private static final String EXPECTED_BODY = "{\"song\": 2} or {\"from\": \"1:30\", \"to\": \"2:15\"}, optionally with"
            + " \"recording\": a name from GET /api/shows/{show}/recordings";
    private static final Pattern CLIP_FILE = Pattern.compile("([0-9a-f]{12})\\.mp4");
    private static final Pattern STORED = Pattern.compile("([a-z0-9-]{1,40})-clip-([0-9a-f]{12})\\.(json|mp4\\.tmp)");
    private static final Pattern RECORDING_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,119}");
    /** {@code m:ss}, {@code h:mm:ss} or plain seconds, each with up to 3 decimals. */
    private static final Pattern TIME = Pattern.compile("(?:(?:(\\d{1,2}):)?(\\d{1,3}):)?(\\d{1,5})(\\.\\d{1,3})?");
    private static final double MAX_TIME_SECONDS = 24 * 3600;
    private static final int BUSY_RETRY_SECONDS = 5;
    private static final long CLOSE_WAIT_SECONDS = 5;

    enum State { RENDERING, READY, FAILED }

    /**
     * A clip as the list shows it. Immutable: a state change puts a new entry in the table.
     *
     * @param song the set-list number of the song asked for, or null for a span
     * @param title the song's title (for a span, that of the song it starts in), or ""
     * @param durationSeconds while rendering, the expected length; once ready, the clip's
     * @param bytes the file's size once ready, else 0
     */
    record Clip(String id, String show, State state, String recording, Integer song, String title, double fromSeconds,
            double toSeconds, double durationSeconds, long bytes, Instant createdAt, Instant finishedAt, String error) {

        Clip ready(ClipResult result, Instant at) {
            return new Clip(id, show, State.READY, recording, song, title, result.fromSeconds(),
                    result.fromSeconds() + result.durationSeconds(), result.durationSeconds(), result.bytes(), createdAt, at,
                    null);
        }

        Clip failed(String why, Instant at) {
            return new Clip(id, show, State.FAILED, recording, song, title, fromSeconds, toSeconds, durationSeconds, 0,
                    createdAt, at, why);
        }
    }

    /** A parsed request body: a song, or a span. */
    record Ask(Integer song, Double from, Double to, String recording) {
    }

    private final Path clipsDir;
    private final Path dataDir;
    private final Map<String, ShowConfig> shows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final ClipRenderer renderer = new ClipRenderer();
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    /** Every clip by id (ids are unique across shows). */
    private final Map<String, Clip> clips = new ConcurrentHashMap<>();
    /** The clip being rendered, or null: at most one at a time. */
    private final AtomicReference<Clip> rendering = new AtomicReference<>();
    private final ExecutorService render = singleThread("clip-render", 2);
    private final ExecutorService io = singleThread("clip-io", 32);

    /**
     * Lists the ready clips the folder already holds and removes temp files a crash left behind.
     *
     * @param dataDir recordings are read from its {@code recordings} folder, clips go to its {@code clips} folder
     */
    ClipApi(Path dataDir, List<ShowConfig> showList, Clock clock) {
        this.dataDir = requireNonNull(dataDir, "dataDir");
        this.clipsDir = dataDir.resolve("clips");
        this.clock = requireNonNull(clock, "clock");
        for (ShowConfig show : requireNonNull(showList, "showList")) {
            shows.put(show.id(), show);
        }
        loadStored();
    }

    private static ExecutorService singleThread(String name, int queue) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    // ---- routes ----

    /** {@code GET /api/shows/{show}/recordings}: the show's recordings with their songs, newest first. */
    CompletableFuture<FullHttpResponse> recordings(FullHttpRequest request, ShowConfig show) throws HttpError {
        HttpApi.requirePerformer(request, show);
        return onIo(() -> {
            ObjectNode body = json.createObjectNode().put("show", show.id());
            ArrayNode list = body.putArray("recordings");
            for (RecordingCatalog.Recording r : RecordingCatalog.list(dataDir, show.id())) {
                ObjectNode node = list.addObject().put("name", r.name()).put("run", r.run())
                        .put("startedAt", r.startedAt().toString()).put("durationSeconds", round(r.durationSeconds()))
                        .put("complete", r.complete());
                ArrayNode chapters = node.putArray("chapters");
                for (RecordingCatalog.Song s : r.songs()) {
                    chapters.addObject().put("song", s.number()).put("title", s.title())
                            .put("fromSeconds", round(s.fromSeconds())).put("toSeconds", round(s.toSeconds()));
                }
            }
            return jsonResponse(HttpResponseStatus.OK, body);
        });
    }

    /** {@code POST /api/shows/{show}/clips}: checks the request, then renders on the render thread; 202 at once. */
    CompletableFuture<FullHttpResponse> create(FullHttpRequest request, ShowConfig show) throws HttpError {
        HttpApi.requirePerformer(request, show);
        Ask ask = parse(request.content().toString(StandardCharsets.UTF_8));
        refuseWhileBusy();
        return onIo(() -> {
            RecordingCatalog.Recording recording = recording(show, ask.recording());
            RecordingCatalog.Song span = span(recording, ask);
            ClipRequest clipRequest = ClipRequest.builder(recording.file())
                    .span(span.fromSeconds(), span.toSeconds())
                    .maxSeconds(show.highlights().maxSeconds())
                    .coverImage(show.highlights().cover())
                    .showTitle(show.title())
                    .songTitle(span.title())
                    .performer(recording.artist() != null ? recording.artist() : "")
                    .build();
            double seconds;
            try {
                seconds = renderer.check(clipRequest);
            } catch (ClipException e) {
                throw new HttpError(HttpResponseStatus.BAD_REQUEST, e.getMessage());
            }
            Clip clip = new Clip(newId(), show.id(), State.RENDERING, recording.name(), ask.song(), span.title(),
                    clipRequest.fromSeconds(), clipRequest.fromSeconds() + seconds, seconds, 0, clock.instant(), null, null);
            long kept = clips.values().stream().filter(c -> c.show().equals(show.id()) && c.state() != State.FAILED).count();
            if (kept >= MAX_CLIPS_PER_SHOW) {
                throw new HttpError(HttpResponseStatus.CONFLICT, "show " + show.id() + " has " + kept + " clips (expected: at"
                        + " most " + MAX_CLIPS_PER_SHOW + "; remove some from " + clipsDir + " and restart the server)");
            }
            if (!rendering.compareAndSet(null, clip)) {
                throw busy();
            }
            clips.put(clip.id(), clip);
            try {
                render.execute(() -> render(clip, clipRequest));
            } catch (RejectedExecutionException e) {
                rendering.set(null);
                clips.remove(clip.id());
                throw closing();
            }
            LOG.info("show {}: rendering clip {} ({} from {} s, {} s)", show.id(), clip.id(), recording.name(),
                    round(clip.fromSeconds()), round(seconds));
            return jsonResponse(HttpResponseStatus.ACCEPTED, clipJson(clip));
        });
    }

    /** {@code GET /api/shows/{show}/clips}: the show's clips, newest first. */
    FullHttpResponse list(FullHttpRequest request, ShowConfig show) throws HttpError {
        HttpApi.requirePerformer(request, show);
        ObjectNode body = json.createObjectNode().put("show", show.id());
        ArrayNode list = body.putArray("clips");
        clips.values().stream().filter(c -> c.show().equals(show.id()))
                .sorted(Comparator.comparing(Clip::createdAt).thenComparing(Clip::id).reversed())
                .forEach(c -> list.add(clipJson(c)));
        return jsonResponse(HttpResponseStatus.OK, body);
    }

    /** {@code GET /api/shows/{show}/clips/{id}.mp4}: a ready clip, whole or one byte range of it. */
    CompletableFuture<FullHttpResponse> download(FullHttpRequest request, ShowConfig show, String name) throws HttpError {
        HttpApi.requirePerformer(request, show);
        Matcher m = CLIP_FILE.matcher(name);
        Clip clip = m.matches() ? clips.get(m.group(1)) : null;
        if (clip == null || !clip.show().equals(show.id())) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "no such clip: " + HttpApi.clip(name, 40) + " in show "
                    + show.id() + " (expected: <id>.mp4 of a clip listed by GET /api/shows/" + show.id() + "/clips)");
        }
        if (clip.state() != State.READY) {
            throw new HttpError(HttpResponseStatus.CONFLICT, "clip " + clip.id() + " is " + (clip.state() == State.RENDERING
                    ? "still rendering" : "failed: " + clip.error()) + " (expected: a clip whose state is ready)");
        }
        String range = request.headers().get(HttpHeaderNames.RANGE);
        Path path = file(clip);
        return onIo(() -> read(clip, path, range));
    }

    // ---- the request ----

    /** The body as a song or a span; 400 for anything else. */
    Ask parse(String body) throws HttpError {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            throw badRequest("the body is not JSON (expected: " + EXPECTED_BODY + ")");
        }
        if (node == null || !node.isObject()) {
            throw badRequest("the body is not a JSON object (expected: " + EXPECTED_BODY + ")");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw badRequest("unknown field '" + HttpApi.clip(field, 40) + "' (expected: song, from, to, recording)");
            }
        }
        JsonNode song = node.get("song");
        JsonNode from = node.get("from");
        JsonNode to = node.get("to");
        if (song != null && (from != null || to != null)) {
            throw badRequest("song with from/to (expected: either a song or a span: " + EXPECTED_BODY + ")");
        }
        if (song == null && from == null && to == null) {
            throw badRequest("no song and no span (expected: " + EXPECTED_BODY + ")");
        }
        if (song == null && (from == null || to == null)) {
            throw badRequest((from == null ? "to without from" : "from without to")
                    + " (expected: both, e.g. {\"from\": \"1:30\", \"to\": \"2:15\"})");
        }
        String recording = null;
        JsonNode name = node.get("recording");
        if (name != null && !name.isNull()) {
            if (!name.isTextual() || !RECORDING_NAME.matcher(name.textValue()).matches()) {
                throw badRequest("recording: " + HttpApi.clip(name.toString(), 60) + " (expected: the name of one of the"
                        + " show's recordings, as GET /api/shows/{show}/recordings lists them)");
            }
            recording = name.textValue();
        }
        if (song != null) {
            if (!song.isInt() || song.intValue() < 1) {
                throw badRequest("song: " + HttpApi.clip(song.toString(), 20)
                        + " (expected: 1 for the set list's first song, 2 for the second...)");
            }
            return new Ask(song.intValue(), null, null, recording);
        }
        double start = time("from", from);
        double end = time("to", to);
        if (start >= end) {
            throw badRequest("from " + minutes(start) + " to " + minutes(end) + " (expected: from before to)");
        }
        return new Ask(null, start, end, recording);
    }

    /** Seconds from {@code "m:ss"}, {@code "h:mm:ss"}, {@code "90"} (each with up to 3 decimals) or a JSON number. */
    static double time(String field, JsonNode value) throws HttpError {
        double seconds = Double.NaN;
        if (value.isNumber()) {
            seconds = value.doubleValue();
        } else if (value.isTextual()) {
            Matcher m = TIME.matcher(value.textValue().strip());
            if (m.matches()) {
                long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
                long minutes = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
                long secs = Long.parseLong(m.group(3));
                boolean sexagesimal = (m.group(2) == null || secs < 60) && (m.group(1) == null || minutes < 60);
                if (sexagesimal) {
                    seconds = hours * 3600 + minutes * 60 + secs + (m.group(4) == null ? 0 : Double.parseDouble(m.group(4)));
                }
            }
        }
        if (!(seconds >= 0 && seconds <= MAX_TIME_SECONDS)) {
            throw badRequest(field + ": " + HttpApi.clip(value.toString(), 30) + " (expected: a time in the recording as"
                    + " m:ss, e.g. \"1:30\", or h:mm:ss, or seconds)");
        }
        return seconds;
    }

    /** The recording asked for, or the show's latest; on the io thread. */
    private RecordingCatalog.Recording recording(ShowConfig show, String name) throws IOException {
        List<RecordingCatalog.Recording> recordings = RecordingCatalog.list(dataDir, show.id());
        if (recordings.isEmpty()) {
            throw new HttpError(HttpResponseStatus.CONFLICT, "no recording of show " + show.id() + " yet (expected: "
                    + (show.recording() ? "a set played on this server; clips are made from its recording)"
                    : "a recording, but the show file says recording: false)"));
        }
        if (name == null) {
            return recordings.get(0);
        }
        return recordings.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> badRequest(
                "recording: " + name + " is not one of show " + show.id() + "'s (expected: one of " + String.join(", ",
                recordings.stream().limit(5).map(RecordingCatalog.Recording::name).toList())
                + (recordings.size() > 5 ? ", ..." : "") + ")"));
    }

    /** Where the clip starts and ends in the recording; for a span, titled by the song it starts in. */
    private static RecordingCatalog.Song span(RecordingCatalog.Recording recording, Ask ask) throws HttpError {
        if (ask.song() == null) {
            String title = recording.songAt(ask.from()).map(RecordingCatalog.Song::title).orElse("");
            return new RecordingCatalog.Song(-1, title, ask.from(), ask.to());
        }
        if (recording.songs().isEmpty()) {
            throw badRequest("song " + ask.song() + ": the recording " + recording.name() + " has no songs (expected: from"
                    + " and to for a span of it)");
        }
        RecordingCatalog.Song song = recording.song(ask.song()).orElseThrow(() -> badRequest("song " + ask.song()
                + ": not played in " + recording.name() + " (expected: one of " + recording.songNumbers() + ")"));
        if (!(song.length() > 0)) {
            throw badRequest("song " + ask.song() + ": no audio in " + recording.name() + " (it lasted 0 s; expected: a song"
                    + " that was played for a while)");
        }
        return song;
    }

    private void refuseWhileBusy() throws HttpError {
        if (rendering.get() != null) {
            throw busy();
        }
    }

    private HttpError busy() {
        Clip now = rendering.get();
        return new HttpError(HttpResponseStatus.CONFLICT, "a clip is rendering on this server"
                + (now == null ? "" : ", started at " + now.createdAt())
                + " (expected: one clip at a time; ask again when it is ready)").retryAfter(BUSY_RETRY_SECONDS);
    }

    private static HttpError closing() {
        return new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is shutting down (expected: a running"
                + " server; try again when it is back)").retryAfter(1);
    }

    private static HttpError badRequest(String message) {
        return new HttpError(HttpResponseStatus.BAD_REQUEST, message);
    }

    private String newId() {
        byte[] bytes = new byte[6];
        String id;
        do {
            random.nextBytes(bytes);
            id = HexFormat.of().formatHex(bytes);
        } while (clips.containsKey(id));
        return id;
    }

    // ---- the render thread ----

    private void render(Clip clip, ClipRequest request) {
        try {
            Files.createDirectories(clipsDir);
            ClipResult result = renderer.render(request, file(clip));
            Clip ready = clip.ready(result, clock.instant());
            clips.put(ready.id(), ready);
            writeStored(ready);
            LOG.info("show {}: clip {} ready, {} s, {} bytes", clip.show(), clip.id(), round(result.durationSeconds()),
                    result.bytes());
        } catch (ClipException e) {
            fail(clip, e.getMessage());
        } catch (IOException e) {
            fail(clip, "writing the clip failed: " + e + " (expected: a writable data directory with free space)");
        } catch (RuntimeException | Error e) {
            LOG.error("show {}: clip {} failed", clip.show(), clip.id(), e);
            fail(clip, "the renderer failed: " + e + " (expected: a working server; the server log has the details)");
        } finally {
            rendering.set(null);
        }
    }

    private void fail(Clip clip, String why) {
        LOG.warn("show {}: clip {} failed: {}", clip.show(), clip.id(), why);
        clips.put(clip.id(), clip.failed(why, clock.instant()));
        List<Clip> failed = clips.values().stream().filter(c -> c.show().equals(clip.show()) && c.state() == State.FAILED)
                .sorted(Comparator.comparing(Clip::createdAt)).toList();
        for (int i = 0; i < failed.size() - MAX_FAILED_PER_SHOW; i++) {
            clips.remove(failed.get(i).id());
        }
    }

    private Path file(Clip clip) {
        return clipsDir.resolve(clip.show() + "-clip-" + clip.id() + ".mp4");
    }

    private Path storedJson(Clip clip) {
        return clipsDir.resolve(clip.show() + "-clip-" + clip.id() + ".json");
    }

    /** The clip's list entry beside it (temp file, fsync, rename), so a restart lists it again. */
    private void writeStored(Clip clip) {
        Path target = storedJson(clip);
        try {
            AtomicFiles.write(target, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                    clipJson(clip).put("show", clip.show())));
        } catch (IOException e) {
            // The clip is there and listed until a restart; only its entry after one is lost.
            LOG.warn("show {}: clip {} is ready but {} could not be written: {}", clip.show(), clip.id(), target, e.toString());
        }
    }

    /** The ready clips of earlier runs of the server; temp files of renders a crash cut short are removed. */
    private void loadStored() {
        if (!Files.isDirectory(clipsDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(clipsDir)) {
            files = list.toList();
        } catch (IOException e) {
            LOG.warn("clips in {} not listed: {}", clipsDir, e.toString());
            return;
        }
        for (Path path : files) {
            Matcher m = STORED.matcher(path.getFileName().toString());
            if (!m.matches() || !shows.containsKey(m.group(1))) {
                continue; // not ours (the after-set clip, a file put there by hand) or of a show this server lacks
            }
            if (m.group(3).equals("mp4.tmp")) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.debug("{} not removed: {}", path, e.toString());
                }
                continue;
            }
            try {
                Clip clip = storedClip(m.group(1), m.group(2), json.readTree(path.toFile()));
                if (Files.isRegularFile(file(clip))) {
                    clips.put(clip.id(), clip);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("{} passed over: {}", path, e.toString());
            }
        }
    }

    private static Clip storedClip(String show, String id, JsonNode n) {
        if (!id.equals(n.path("id").asText()) || !show.equals(n.path("show").asText())
                || !"ready".equals(n.path("state").asText())) {
            throw new IllegalArgumentException("not a ready clip of " + show + " with id " + id);
        }
        try {
            return new Clip(id, show, State.READY, n.path("recording").asText(""),
                    n.path("song").isInt() ? n.path("song").intValue() : null, n.path("title").asText(""),
                    n.path("fromSeconds").asDouble(), n.path("toSeconds").asDouble(), n.path("durationSeconds").asDouble(),
                    n.path("bytes").asLong(), Instant.parse(n.path("createdAt").asText()),
                    n.path("finishedAt").isTextual() ? Instant.parse(n.path("finishedAt").asText()) : null, null);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("createdAt: " + n.path("createdAt") + " (expected: an ISO-8601 instant)", e);
        }
    }

    // ---- the io thread ----

    private FullHttpResponse read(Clip clip, Path path, String rangeHeader) throws IOException {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = in.size();
            long[] range;
            try {
                range = range(rangeHeader, size);
            } catch (IllegalArgumentException e) {
                FullHttpResponse response = HttpResponses.text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        "range: " + HttpApi.clip(rangeHeader, 60) + " (expected: a byte range within the clip's " + size
                        + " bytes)");
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
                return response;
            }
            long first = range == null ? 0 : range[0];
            long last = range == null ? size - 1 : range[1];
            ByteBuffer body = ByteBuffer.allocate(Math.toIntExact(last - first + 1));
            while (body.hasRemaining()) {
                if (in.read(body, first + body.position()) < 0) {
                    throw new IOException(path + " shrank while being read (expected: a clip file that does not change)");
                }
            }
            FullHttpResponse response = HttpResponses.bytes(range == null ? HttpResponseStatus.OK
                    : HttpResponseStatus.PARTIAL_CONTENT, MP4, body.array());
            if (range != null) {
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + size);
            }
            response.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "private, no-cache");
            response.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "inline; filename=\"" + path.getFileName() + "\"");
            response.headers().set("X-Content-Type-Options", "nosniff");
            return response;
        } catch (NoSuchFileException e) {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "the file of clip " + clip.id() + " is gone from " + clipsDir
                    + " (expected: the clip's file, as rendered)");
        }
    }

    /**
     * The one byte range asked for (https://www.rfc-editor.org/rfc/rfc9110#section-14.2) as {@code [first, last]}, or
     * null for the whole file: no header, another unit, several ranges or a malformed one are ignored, as §14.2 allows.
     *
     * @throws IllegalArgumentException when the range starts past the end (416, §15.5.17)
     */
    static long[] range(String header, long size) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6) || value.indexOf(',') >= 0) {
            return null;
        }
        Matcher m = Pattern.compile("(\\d{0,18})-(\\d{0,18})").matcher(value.substring(6).strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return null;
        }
        if (m.group(1).isEmpty()) { // the last N bytes
            long suffix = Long.parseLong(m.group(2));
            if (suffix == 0 || size == 0) {
                throw new IllegalArgumentException("unsatisfiable suffix range");
            }
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
            return null; // invalid: ignored
        }
        if (first >= size) {
            throw new IllegalArgumentException("range starts past the end");
        }
        return new long[] {first, m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1)};
    }

    /** Work that reads the disk, off the event loop; its HttpError (or any failure) completes the future. */
    private CompletableFuture<FullHttpResponse> onIo(IoWork work) throws HttpError {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return work.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, io);
        } catch (RejectedExecutionException e) {
            if (io.isShutdown()) {
                throw closing();
            }
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "too many clip requests at once (expected: a few;"
                    + " try again in a moment)").retryAfter(1);
        }
    }

    @FunctionalInterface
    private interface IoWork {
        FullHttpResponse run() throws IOException;
    }

    // ---- JSON ----

    private ObjectNode clipJson(Clip c) {
        ObjectNode n = json.createObjectNode().put("id", c.id()).put("state", c.state().name().toLowerCase(Locale.ROOT))
                .put("recording", c.recording());
        if (c.song() == null) {
            n.putNull("song");
        } else {
            n.put("song", c.song());
        }
        n.put("title", c.title()).put("fromSeconds", round(c.fromSeconds())).put("toSeconds", round(c.toSeconds()))
                .put("durationSeconds", round(c.durationSeconds())).put("bytes", c.bytes())
                .put("createdAt", c.createdAt().toString())
                .put("finishedAt", c.finishedAt() == null ? null : c.finishedAt().toString())
                .put("error", c.error())
                .put("url", c.state() == State.READY ? "/api/shows/" + c.show() + "/clips/" + c.id() + ".mp4" : null);
        return n;
    }

    private FullHttpResponse jsonResponse(HttpResponseStatus status, ObjectNode body) {
        try {
            FullHttpResponse response = HttpResponses.json(status, json.writeValueAsBytes(body));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            return response;
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** Milliseconds: what a person or a test compares. */
    static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** {@code m:ss} or {@code m:ss.fff}, for messages. */
    static String minutes(double seconds) {
        long ms = Math.round(seconds * 1000);
        String whole = (ms / 60_000) + ":" + String.format(Locale.ROOT, "%02d", ms / 1000 % 60);
        return ms % 1000 == 0 ? whole : whole + String.format(Locale.ROOT, ".%03d", ms % 1000);
    }

    /** Stops taking clips; waits a little for a render under way, so it leaves its file whole or none. */
    @Override
    public void close() {
        io.shutdownNow();
        render.shutdown();
        try {
            if (!render.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("a clip was still rendering after {} s; its temp file is removed at the next start",
                        CLOSE_WAIT_SECONDS);
                render.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
