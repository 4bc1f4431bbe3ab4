package dev.encore.loadtest.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.encore.show.AccessMode;
import dev.encore.show.Secret;
import dev.encore.show.ShowConfig;
import dev.encore.show.access.ServerSecret;
import dev.encore.show.access.TokenAuthority;
import dev.encore.signaling.ShowChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PollStorm} against the real show channel, mounted on a tiny Netty HTTP server on 127.0.0.1. */
class PollStormTest {
    private static final String KEY = "poll-storm-test-key-0123456789";

    @TempDir
    Path dataDir;
    private ShowChannel shows;
    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void start() throws Exception {
        TokenAuthority tokens = new TokenAuthority(ServerSecret.ofValue("0123456789abcdef0123456789abcdef0123456789"));
        ShowConfig show = new ShowConfig(null, "storm", "Storm", Secret.of(KEY), AccessMode.OPEN, null, null);
        shows = ShowChannel.start(List.of(show), tokens, dataDir, Clock.systemUTC());
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), shows.httpHandler());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        shows.close();
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/ws/storm");
    }

    @Test
    void fiftyListenersVoteAndAllSeeTheFinalTally() throws Exception {
        PollStorm.Result r = new PollStorm(new PollStorm.Config(uri(), KEY, 50, 500, 1000, 3, 5, 2, 10_000)).run();

        assertThat(r.joined()).isEqualTo(50);
        assertThat(r.failedJoins()).isZero();
        assertThat(r.votesSent()).isEqualTo(50);
        assertThat(r.acked()).isEqualTo(50);
        assertThat(r.voteErrors()).isZero();
        assertThat(r.finalTotalExpected()).isEqualTo(50);
        assertThat(r.finalSeen()).isEqualTo(50);
        assertThat(r.allFinalMicros()).isNotNegative();
        assertThat(r.join().getTotalCount()).isEqualTo(50);
        assertThat(r.ack().getTotalCount()).isEqualTo(50);
        assertThat(r.tallySeen().getTotalCount()).isEqualTo(50);
        assertThat(r.finalPerClient().getTotalCount()).isEqualTo(50);
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void requestsMergeAndEveryListenerEndsWithThePerformersQueue() throws Exception {
        // 40 requests in 1 s over 6 songs: most merge as upvotes; every vote must show in the queue everybody ends with.
        PollStorm.Result r = new PollStorm(new PollStorm.Config(uri(), KEY, 50, 500, 500, 2, 5, 2, 10_000, 40, 1000, 6)).run();
        PollStorm.Requests q = r.requests();

        long distinct = java.util.stream.IntStream.range(0, 40).mapToObj(k -> PollStorm.title(k, 6)).distinct().count();
        assertThat(q.sent()).isEqualTo(40);
        assertThat(q.acked()).isEqualTo(40);
        assertThat(q.refused()).isEmpty();
        assertThat(q.merged()).isEqualTo(40 - (int) distinct);
        assertThat(q.queueSize()).isEqualTo((int) distinct);
        assertThat(q.shown()).isEqualTo((int) distinct);
        assertThat(q.votesMismatched()).isZero();
        assertThat(q.clientsChecked()).isEqualTo(50);
        assertThat(q.clientsWithFinalQueue()).isEqualTo(50);
        assertThat(q.ack().getTotalCount()).isEqualTo(40);
        assertThat(q.queueSeen().getTotalCount()).isEqualTo(40);
    }

    @Test
    void aWrongPerformerKeyIsReportedWithoutTheKey() {
        PollStorm storm = new PollStorm(new PollStorm.Config(uri(), "not-the-key", 2, 100, 100, 2, 0, 1, 3_000));

        assertThatThrownBy(storm::run).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("performer")
                .hasMessageNotContaining("not-the-key");
    }
}
