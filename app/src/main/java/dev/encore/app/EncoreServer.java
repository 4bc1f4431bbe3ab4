package dev.encore.app;

import static java.util.Objects.requireNonNull;

import dev.encore.media.MediaServer;
import dev.encore.media.MediaServerConfig;
import dev.encore.media.Router;
import dev.encore.media.RouterStatus;
import dev.encore.media.WhepService;
import dev.encore.media.WhipService;
import dev.encore.recording.RecordingStatus;
import dev.encore.recording.SetRecorder;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.TokenAuthority;
import dev.encore.signaling.Role;
import dev.encore.signaling.ShowChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Encore server: the media server with one router per show, and the HTTP server in front of it. Start with
 * {@link #start}; usable from tests with ports 0 on 127.0.0.1. Thread-safe; {@link #close} is idempotent.
 */
public final class EncoreServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EncoreServer.class);

    /**
     * How the server binds.
     *
     * @param bindHost the address both servers bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
     * @param httpPort the HTTP port (0: any free port)
     * @param mediaPort the one UDP media port (0: any free port)
     * @param announceIp the address put into SDP candidates, or null for the bound address
     * @param dataDir where the server keeps its state (created when missing), or null for none
     */
    public record Options(String bindHost, int httpPort, int mediaPort, String announceIp, Path dataDir) {
        public Options {
            requireNonNull(bindHost, "bindHost");
            checkPort("httpPort", httpPort);
            checkPort("mediaPort", mediaPort);
        }

        /** Loopback, free ports, no data directory: for tests. */
        public static Options loopback() {
            return new Options("127.0.0.1", 0, 0, null, null);
        }

        private static void checkPort(String name, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
            }
        }
    }

    private final Options options;
    private final List<ShowConfig> shows;
    private final MediaServer media;
    private final HttpServer http;
    private final ShowChannel channel;
    private final String publicUrl;
    private final OnAirWatcher onAir;
    private volatile TelegramBridges telegram = TelegramBridges.none();
    private final ShowRecordings recordings;
    private volatile ClipApi clips;
    private final AfterSet afterSet;
    private volatile boolean closed;

    /** How often the routers are asked whether the performer's audio arrives (OnAir events lag by at most this). */
    static final Duration ON_AIR_PERIOD = Duration.ofMillis(250);

    private EncoreServer(Options options, List<ShowConfig> shows, MediaServer media, HttpServer http, ShowChannel channel,
            String publicUrl, OnAirWatcher onAir, ShowRecordings recordings, AfterSet afterSet) {
        this.onAir = onAir;
        this.recordings = recordings;
        this.afterSet = afterSet;
        this.options = options;
        this.shows = shows;
        this.media = media;
        this.http = http;
        this.channel = channel;
        this.publicUrl = publicUrl;
    }

    /**
     * {@link #start(Options, List, ServerSecret, String)} with the secret of the data directory (a throw-away one without
     * a data directory) and no public URL.
     */
    public static EncoreServer start(Options options, List<ShowConfig> shows) throws InterruptedException, IOException {
        requireNonNull(options, "options");
        ServerSecret secret = options.dataDir() == null ? AccessOptions.ephemeralSecret() : ServerSecret.load(null, options.dataDir());
        return start(options, shows, secret, null);
    }

    /**
     * Starts the media server, adds every show, then starts HTTP. On failure, whatever started is closed again.
     *
     * @param secret the server secret join tokens are checked (and minted) with
     * @param publicUrl the address listeners open (links start with it), or null for {@link #baseUrl}'s local default
     */
    public static EncoreServer start(Options options, List<ShowConfig> shows, ServerSecret secret, String publicUrl)
            throws InterruptedException, IOException {
        return start(options, shows, secret, publicUrl, null);
    }

    /**
     * As {@link #start(Options, List, ServerSecret, String)}, with the media server's setup timeout (null: 30 s), so that
     * tests need not wait 30 s for a session that never connects.
     */
    static EncoreServer start(Options options, List<ShowConfig> shows, ServerSecret secret, String publicUrl,
            Duration setupTimeout) throws InterruptedException, IOException {
        return start(options, shows, secret, publicUrl, setupTimeout, null);
    }

    /**
     * As {@link #start(Options, List, ServerSecret, String, Duration)}, with the show channel's broadcast tick (null: its
     * default), so that a test can tell a command's answer from the room's next broadcast.
     */
    static EncoreServer start(Options options, List<ShowConfig> shows, ServerSecret secret, String publicUrl,
            Duration setupTimeout, Duration broadcastTick) throws InterruptedException, IOException {
        requireNonNull(options, "options");
        requireNonNull(secret, "secret");
        List<ShowConfig> showList = List.copyOf(requireNonNull(shows, "shows"));
        if (showList.isEmpty()) {
            throw new IllegalArgumentException("shows: none (expected: at least one show)");
        }
        if (options.dataDir() != null) {
            Files.createDirectories(options.dataDir());
        }
        // Without a data directory (tests) the show channel keeps its database in a fresh temporary directory.
        Path stateDir = options.dataDir() != null ? options.dataDir() : Files.createTempDirectory("encore-state-");
        ShowChannel channel;
        try {
            channel = broadcastTick == null
                    ? ShowChannel.start(showList, new TokenAuthority(secret), stateDir, Clock.systemUTC())
                    : ShowChannel.start(showList, new TokenAuthority(secret), stateDir, Clock.systemUTC(), broadcastTick);
        } catch (SQLException e) {
            throw new IOException("show database in " + stateDir + ": " + e.getMessage()
                    + " (expected: a writable data directory)", e);
        }
        MediaServer media;
        try {
            media = MediaServer.start(new MediaServerConfig(options.bindHost(), options.mediaPort(), options.announceIp(), 0,
                    setupTimeout));
        } catch (InterruptedException | RuntimeException e) {
            channel.close();
            throw e;
        }
        OnAirWatcher onAir = null;
        ShowRecordings recordings = null;
        ClipApi clips = null;
        // The report and the clip after each set, posted by the bots (issue 7); it waits for the bridges, started last.
        AfterSet afterSet = new AfterSet(stateDir, showList, channel, Clock.systemUTC());
        try {
            for (ShowConfig show : showList) {
                media.addShow(show);
            }
            AtomicReference<EncoreServer> started = new AtomicReference<>();
            HttpApi api = new HttpApi(showList, new MediaServerBackend(media), secret, () -> started.get().baseUrl(),
                    (show, command) -> channel.dispatch(show, Role.ofPerformer(), command), HttpApi.ACTION_TIMEOUT);
            // Before HTTP starts, so no session can end unseen: a seat is freed whatever ends its session.
            AccessGate access = api.access();
            media.onSessionEnded(access::sessionEnded);
            media.onFirstAudio((show, session, ttfa) -> channel.audioStarted(show, ttfa)); // the report's TTFA (issue 7)
            api.drops(new DropApi.DropDesk() {
                @Override
                public void clicked(String showId, String dropId, String source) {
                    channel.dropClicked(showId, dropId, source);
                }

                @Override
                public CompletableFuture<Integer> sold(String showId, String dropId, int quantity, String orderId) {
                    return channel.dropSold(showId, dropId, quantity, orderId);
                }
            });
            // Each set of a show with recording: true goes to <data dir>/recordings (issue 7).
            recordings = new ShowRecordings(stateDir, media::router, SetRecorder.Options.defaults(), afterSet)
                    .subscribe(channel, showList);
            api.recordings(recordings::status);
            clips = new ClipApi(stateDir, showList, Clock.systemUTC()); // clips on demand from <data dir>/recordings
            api.clips(clips);
            api.reports(ReportApi.desk(channel));
            if (options.dataDir() != null) {
                ReportApi.Writer reports = new ReportApi.Writer(options.dataDir().resolve("reports"), showList,
                        Clock.systemUTC());
                for (ShowConfig show : showList) {
                    channel.subscribe(show.id(), reports);
                }
            }
            onAir = OnAirWatcher.start(showList.stream().map(ShowConfig::id).toList(),
                    show -> media.router(show).map(Router::performerOnline).orElse(false), channel::onAir,
                    ON_AIR_PERIOD);
            HttpServer http = HttpServer.start(options.bindHost(), options.httpPort(), api, channel.httpHandler());
            EncoreServer server = new EncoreServer(options, showList, media, http, channel, publicUrl, onAir,
                    recordings, afterSet);
            started.set(server);
            server.clips = clips;
            try {
                server.telegram = TelegramBridges.start(showList, channel, stateDir, server::baseUrl, new TokenAuthority(secret),
                        Clock.systemUTC());
            } catch (SQLException e) {
                server.close();
                throw new IOException("Telegram outbox in " + stateDir + ": " + e.getMessage()
                        + " (expected: a writable data directory)", e);
            }
            api.telegram(server.telegram);
            afterSet.start(server.telegram::bridge);
            LOG.info("Encore is up: HTTP on {}, media (UDP) on {}, {} show(s)", http.localAddress(), media.localAddress(),
                    showList.size());
            return server;
        } catch (Exception e) { // also Netty's undeclared BindException
            if (onAir != null) {
                onAir.close();
            }
            if (recordings != null) {
                recordings.close();
            }
            if (clips != null) {
                clips.close();
            }
            afterSet.close();
            media.close();
            channel.close();
            throw e;
        }
    }

    public List<ShowConfig> shows() {
        return shows;
    }

    public MediaServer mediaServer() {
        return media;
    }

    /** The show channel: set list, requests, polls over {@code /ws/{show}}. */
    public ShowChannel showChannel() {
        return channel;
    }

    /** The recording of the show's current or last set since the server started; empty when none (or recording is off). */
    public Optional<RecordingStatus> recording(String showId) {
        return recordings.status(showId);
    }

    /** The work after each set (for tests: {@link AfterSet#awaitIdle}). */
    AfterSet afterSet() {
        return afterSet;
    }

    public Optional<Router> router(String showId) {
        return media.router(showId);
    }

    public InetSocketAddress httpAddress() {
        return http.localAddress();
    }

    public int httpPort() {
        return http.localAddress().getPort();
    }

    /** The public URL when one was given, else the base URL a person on this machine opens, e.g. {@code http://localhost:8080}. */
    public String baseUrl() {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = options.bindHost();
        boolean local = host.equals("0.0.0.0") || host.equals("::") || host.equals("127.0.0.1") || host.equals("localhost");
        return "http://" + (local ? "localhost" : host) + ":" + httpPort();
    }

    public String listenerUrl(String showId) {
        return baseUrl() + "/l/" + showId;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onAir.close();
        try {
            http.close();
            clips.close();
            recordings.close(); // before the media server: the recorders get their last packets, then EOS and chapters
            afterSet.close(); // after the recordings (a set's end is heard), before the bridges (its posts are queued)
        } finally {
            try {
                telegram.close();
                media.close();
            } finally {
                channel.close();
            }
        }
    }

    /** The media server seen through the narrow interface the HTTP routes use. */
    private record MediaServerBackend(MediaServer server) implements MediaBackend {
        @Override
        public WhepService whep() {
            return server.whep();
        }

        @Override
        public WhipService whip() {
            return server.whip();
        }

        @Override
        public Optional<Router> router(String showId) {
            return server.router(showId);
        }

        @Override
        public Optional<RouterStatus> status(String showId) {
            return server.router(showId).map(Router::status);
        }

        @Override
        public PrometheusRegistry metrics() {
            return server.metrics();
        }
    }
}
