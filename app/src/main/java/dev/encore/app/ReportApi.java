package dev.encore.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.encore.recording.report.ShowReport;
import dev.encore.show.ShowConfig;
import dev.encore.show.live.ShowEvent;
import dev.encore.signaling.ShowChannel;
import dev.encore.signaling.ShowFeed;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The post-show report's HTTP side (issue 7), and its file at the end of a set.
 *
 * <pre>
 *   GET /l/{show}?src=telegram       the listener page; each opening counts as a listen tap (PageOpened) by source
 *   GET /p/{show}/report             the report page of the console (static; its script asks for the JSON below with the
 *                                    performer key the console keeps in localStorage)
 *   GET /api/shows/{show}/report     Authorization: Bearer &lt;performer key&gt;
 *     → 200 {"summary": "Rooftop — 412 joined, …", "report": {…ShowReport…}}   for the current (or last) run
 * </pre>
 *
 * <p>{@link Writer}: a feed that saves {@code <data-dir>/reports/<show>-run<N>.json} when a set ends. Thread-safe.
 */
final class ReportApi {
    private static final Logger LOG = LoggerFactory.getLogger(ReportApi.class);
    static final String REPORT_PAGE = "/dev/encore/app/report.html";

    /** What the report needs from the show channel. */
    interface ReportDesk {
        /** Fire and forget ({@code ShowChannel.pageOpened}). */
        void pageOpened(String showId, String source);

        /** The stored events of the show's current (or last) run. */
        CompletableFuture<List<ShowEvent>> events(String showId);
    }

    private final ReportDesk desk;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final PageTemplate page = new PageTemplate(REPORT_PAGE);

    ReportApi(ReportDesk desk, Clock clock) {
        this.desk = requireNonNull(desk, "desk");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The desk of a real show channel: events are its history for a feed subscribed just for the call. */
    static ReportDesk desk(ShowChannel channel) {
        requireNonNull(channel, "channel");
        return new ReportDesk() {
            @Override
            public void pageOpened(String showId, String source) {
                channel.pageOpened(showId, source);
            }

            @Override
            public CompletableFuture<List<ShowEvent>> events(String showId) {
                CompletableFuture<List<ShowEvent>> history = new CompletableFuture<>();
                AutoCloseable subscription = channel.subscribe(showId, (show, runId, events, isHistory) -> {
                    if (isHistory) {
                        history.complete(events);
                    }
                });
                return history.whenComplete((events, failure) -> {
                    try {
                        subscription.close();
                    } catch (Exception e) {
                        LOG.debug("closing a report's feed of {} failed", showId, e);
                    }
                });
            }
        };
    }

    /** Counts an opening of the listener page; cheap (the show loop stores it later). */
    void listenerPageOpened(FullHttpRequest request, ShowConfig show) {
        if (!HttpMethod.GET.equals(request.method())) {
            return; // HEAD is no tap
        }
        String source = DropApi.source(new QueryStringDecoder(request.uri()).parameters().get("src"));
        try {
            desk.pageOpened(show.id(), source);
        } catch (RuntimeException e) { // the page is served whatever happens to the count
            LOG.debug("listen tap of {} not counted: {}", show.id(), e.getMessage());
        }
    }

    /** {@code GET /p/{show}/report}: the page; holds no figures (those need the key). */
    FullHttpResponse page(ShowConfig show) throws IOException {
        String data = json.writeValueAsString(json.createObjectNode()
                .put("id", show.id())
                .put("title", show.title())
                .put("report", "/api/shows/" + show.id() + "/report")
                .put("console", "/p/" + show.id()));
        return HttpApi.page(page.render(show.title(), data));
    }

    /** {@code GET /api/shows/{show}/report}: for the performer key only. */
    CompletableFuture<FullHttpResponse> report(FullHttpRequest request, ShowConfig show) {
        HttpApi.requirePerformer(request, show);
        return desk.events(show.id())
                .orTimeout(HttpApi.ACTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((events, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof TimeoutException) {
                            throw new HttpApi.HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "the show did not answer"
                                    + " within " + HttpApi.ACTION_TIMEOUT.toMillis() + " ms (expected: a running show)");
                        }
                        throw new CompletionException(cause);
                    }
                    if (events.isEmpty()) {
                        throw new HttpApi.HttpError(HttpResponseStatus.NOT_FOUND, "no run of show " + show.id()
                                + " is stored (expected: a show that has opened)");
                    }
                    ShowReport report = ShowReport.of(events, clock.instant());
                    try {
                        ObjectNode body = json.createObjectNode().put("summary", report.summary(show.title()));
                        body.set("report", json.readTree(report.toJson()));
                        FullHttpResponse response = HttpResponses.json(HttpResponseStatus.OK, json.writeValueAsBytes(body));
                        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
                        return response;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /**
     * A feed (subscribe one per show) that keeps the current run's events and, when its set ends, saves the report as
     * {@code <dir>/<show>-run<N>.json} (whole or not at all) and logs the staff summary. Feed calls come on each show's
     * loop thread (one per show, so per-show state needs no lock); reports are written on a thread of their own.
     */
    static final class Writer implements ShowFeed {
        private final Path dir;
        private final Map<String, ShowConfig> shows;
        private final Clock clock;
        private final Map<String, Run> runs = new ConcurrentHashMap<>();
        private final Executor io;

        private static final class Run {
            final long id;
            final List<ShowEvent> events = new ArrayList<>();

            Run(long id) {
                this.id = id;
            }
        }

        Writer(Path dir, List<ShowConfig> shows, Clock clock) {
            this.dir = requireNonNull(dir, "dir");
            this.shows = new ConcurrentHashMap<>();
            for (ShowConfig show : shows) {
                this.shows.put(show.id(), show);
            }
            this.clock = requireNonNull(clock, "clock");
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "encore-report-writer");
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
            this.io = pool;
        }

        /** Where the report of run {@code runId} of a show goes. */
        Path file(String showId, long runId) {
            return dir.resolve(showId + "-run" + runId + ".json");
        }

        @Override
        public void onEvents(String showId, long runId, List<ShowEvent> events, boolean history) {
            Run run = runs.get(showId);
            if (run == null || run.id != runId) {
                run = new Run(runId);
                runs.put(showId, run);
            }
            run.events.addAll(events);
            boolean ended = events.stream().anyMatch(e -> e instanceof ShowEvent.SetEnded);
            Path file = file(showId, runId);
            if (ended && !(history && Files.exists(file)) && !run.events.isEmpty()) {
                List<ShowEvent> snapshot = List.copyOf(run.events);
                ShowConfig show = shows.get(showId);
                io.execute(() -> write(show == null ? showId : show.title(), file, snapshot));
            }
        }

        private void write(String title, Path file, List<ShowEvent> events) {
            try {
                ShowReport report = ShowReport.of(events, clock.instant());
                report.write(file);
                LOG.info("post-show report saved to {}: {}", file, report.summary(title));
            } catch (IOException | RuntimeException e) {
                LOG.error("post-show report {} not saved", file, e);
            }
        }
    }
}
