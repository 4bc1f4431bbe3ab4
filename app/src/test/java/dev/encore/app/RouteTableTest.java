package dev.encore.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final RouteTable.Handler NONE = (req, p) -> null;
    private static final UnaryOperator<String> AS_IS = UnaryOperator.identity();

    private final RouteTable table = new RouteTable()
            .add(HttpMethod.GET, "/l/{show}", NONE)
            .add(HttpMethod.POST, "/whep/{show}", NONE)
            .add(HttpMethod.DELETE, "/whep/{show}/{session}", NONE)
            .add(HttpMethod.GET, "/healthz", NONE);

    @Test
    void bindsParameters() {
        RouteTable.Match m = table.match(HttpMethod.DELETE, "/whep/demo/abc", AS_IS);
        assertThat(m).isInstanceOfSatisfying(RouteTable.Found.class, f -> {
            assertThat(f.route().template()).isEqualTo("/whep/{show}/{session}");
            assertThat(f.params()).isEqualTo(Map.of("show", "demo", "session", "abc"));
        });
    }

    @Test
    void headUsesTheGetRoute() {
        assertThat(table.match(HttpMethod.HEAD, "/healthz", AS_IS)).isInstanceOf(RouteTable.Found.class);
    }

    @Test
    void otherMethodsOnAKnownPathAreNotAllowed() {
        assertThat(table.match(HttpMethod.GET, "/whep/demo", AS_IS)).isInstanceOfSatisfying(RouteTable.MethodNotAllowed.class,
                m -> assertThat(m.allowed()).containsExactly(HttpMethod.POST));
        assertThat(table.match(HttpMethod.PUT, "/l/demo", AS_IS)).isInstanceOfSatisfying(RouteTable.MethodNotAllowed.class,
                m -> assertThat(m.allowed()).containsExactly(HttpMethod.GET, HttpMethod.HEAD));
    }

    @Test
    void emptySegmentsTrailingSlashesAndExtraSegmentsDoNotMatch() {
        assertThat(table.match(HttpMethod.GET, "/l/", AS_IS)).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match(HttpMethod.GET, "/l/demo/", AS_IS)).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match(HttpMethod.GET, "/l/demo/x", AS_IS)).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match(HttpMethod.GET, "/healthz/", AS_IS)).isInstanceOf(RouteTable.NotFound.class);
        assertThat(table.match(HttpMethod.GET, "/", AS_IS)).isInstanceOf(RouteTable.NotFound.class);
        assertThat(new RouteTable().add(HttpMethod.GET, "/", NONE).match(HttpMethod.GET, "*", AS_IS))
                .isInstanceOf(RouteTable.NotFound.class);
    }

    @Test
    void parametersAreDecodedLiteralsAreNot() {
        RouteTable.Match m = table.match(HttpMethod.GET, "/l/de%6Do", s -> s.replace("%6D", "m"));
        assertThat(m).isInstanceOfSatisfying(RouteTable.Found.class, f -> assertThat(f.params()).containsEntry("show", "demo"));
        assertThat(table.match(HttpMethod.GET, "/healt%68z", s -> s.replace("%68", "h"))).isInstanceOf(RouteTable.NotFound.class);
    }
}
