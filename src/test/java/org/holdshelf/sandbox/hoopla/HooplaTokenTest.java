package org.holdshelf.sandbox.hoopla;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.hoopla.HooplaHttp.MutableClock;
import org.holdshelf.sandbox.hoopla.HooplaHttp.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tokens on both paths, bad credentials, and the 401 with an empty body partner clients renew on. */
class HooplaTokenTest {

    private static final String CARD = "20000000100001";
    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

    private HooplaSimulator hoopla;
    private HooplaHttp http;
    private final MutableClock clock = new MutableClock(NOW);

    private void start(HooplaSandboxSettings.Builder settings) {
        hoopla = new HooplaSimulator(settings.latencyMs(0).jitterMs(0).build(),
                List.of(HooplaCard.withHolds(CARD, List.of())), clock).start();
        http = new HooplaHttp(hoopla);
    }

    @AfterEach
    void stop() {
        if (hoopla != null) {
            hoopla.close();
        }
    }

    private String basic() {
        return HooplaHttp.basic(hoopla.settings().username(), hoopla.settings().password());
    }

    /** A 401 carrying no body at all, as Aspen expects before it renews its token. */
    private static void assertEmpty401(Reply reply) {
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.body()).isEmpty();
        assertThat(reply.header("Content-Length")).isIn(null, "0");
    }

    @Test
    void bothTokenPathsHandOutBearerTokensThatOpenThePatronEndpoints() {
        start(HooplaSandboxSettings.builder().tokenLifetimeSeconds(3600));

        Reply docs = http.post(HooplaSimulator.TOKEN_PATH, "Authorization", basic(), "ws-api", "2.1");
        Reply aspen = http.post(HooplaSimulator.TOKEN_PATH_V2, "Authorization", basic(), "Accept", "application/json");

        for (Reply reply : List.of(docs, aspen)) {
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            assertThat(reply.header("Content-Type")).startsWith("application/json");
            JsonNode json = reply.json();
            assertThat(UUID.fromString(json.path("access_token").asText())).isNotNull();
            assertThat(json.path("token_type").asText()).isEqualTo("bearer");
            assertThat(json.path("expires_in").isIntegralNumber()).isTrue();
            assertThat(json.path("expires_in").asLong()).isEqualTo(3600);
            Reply holds = http.holds(json.path("access_token").asText(), CARD);
            assertThat(holds.status()).isEqualTo(200);
            assertThat(holds.body()).isEqualTo("[]");
        }
        assertThat(docs.json().path("access_token").asText()).isNotEqualTo(aspen.json().path("access_token").asText());
        Reply withWsApi = http.get("/api/v1/libraries/7/patrons/" + CARD + "/holds/current",
                "Authorization", "Bearer " + docs.json().path("access_token").asText(), "ws-api", "2.1");
        assertThat(withWsApi.status()).as("ws-api accepted, not required").isEqualTo(200);
        assertThat(hoopla.tokenRequests()).isEqualTo(2);
        assertThat(hoopla.tokensIssued()).isEqualTo(2);
    }

    @Test
    void badOrMissingCredentialsAre401WithAChallenge() {
        start(HooplaSandboxSettings.builder().credentials("partner", "right"));

        List<Reply> refused = List.of(
                http.post(HooplaSimulator.TOKEN_PATH, "Authorization", HooplaHttp.basic("partner", "wrong")),
                http.post(HooplaSimulator.TOKEN_PATH_V2, "Authorization", HooplaHttp.basic("someone", "right")),
                http.post(HooplaSimulator.TOKEN_PATH),
                http.post(HooplaSimulator.TOKEN_PATH, "Authorization", "Basic not-base64!"),
                http.post(HooplaSimulator.TOKEN_PATH_V2, "Authorization", "Bearer " + UUID.randomUUID()));

        assertThat(refused).allSatisfy(r -> {
            r.assertMessage(401);
            assertThat(r.header("WWW-Authenticate")).startsWith("Basic");
        });
        assertThat(hoopla.unauthorized()).isEqualTo(5);
        assertThat(hoopla.tokensIssued()).isZero();
        assertThat(http.get(HooplaSimulator.TOKEN_PATH, "Authorization", HooplaHttp.basic("partner", "right")).status())
                .as("a token is POSTed").isEqualTo(405);
        Reply right = http.post(HooplaSimulator.TOKEN_PATH_V2, "Authorization", HooplaHttp.basic("partner", "right"));
        assertThat(right.status()).isEqualTo(200);
        assertThat(hoopla.tokenRequests()).isEqualTo(7);
    }

    @Test
    void missingUnknownOrMalformedTokensAre401WithAnEmptyBody() {
        start(HooplaSandboxSettings.builder());
        String path = "/api/v1/libraries/7/patrons/" + CARD + "/holds/current";

        assertEmpty401(http.get(path));
        assertEmpty401(http.get(path, "Authorization", "Bearer " + UUID.randomUUID()));
        assertEmpty401(http.get(path, "Authorization", basic()));
        assertEmpty401(http.patron(UUID.randomUUID().toString(), CARD, "/status"));
        assertThat(http.get(path).header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(hoopla.unauthorized()).isEqualTo(5);
    }

    @Test
    void aTokenExpiresAfterItsLifetimeByTheClock() {
        start(HooplaSandboxSettings.builder().tokenLifetimeSeconds(60));
        String token = http.token();

        clock.advance(Duration.ofSeconds(59));
        assertThat(http.holds(token, CARD).status()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertEmpty401(http.holds(token, CARD));

        String renewed = http.token();
        assertThat(http.holds(renewed, CARD).status()).isEqualTo(200);
        assertEmpty401(http.holds(token, CARD));
    }

    @Test
    void expireTokensEndsEveryTokenNow() {
        start(HooplaSandboxSettings.builder());
        String one = http.token();
        String two = http.token();
        assertThat(http.holds(one, CARD).status()).isEqualTo(200);

        hoopla.expireTokens();

        assertEmpty401(http.holds(one, CARD));
        assertEmpty401(http.holds(two, CARD));
        assertThat(http.holds(http.token(), CARD).status()).isEqualTo(200);
    }

    @Test
    void aShortLifetimeRunsOutOnTheSystemClock() {
        hoopla = new HooplaSimulator(HooplaSandboxSettings.builder().latencyMs(0).jitterMs(0).tokenLifetimeSeconds(1).build(),
                List.of(HooplaCard.withHolds(CARD, List.of()))).start();
        http = new HooplaHttp(hoopla);
        String token = http.token();
        assertThat(http.tokenReply().json().path("expires_in").asLong()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.holds(token, CARD).status() == 401);
        assertEmpty401(http.holds(token, CARD));
    }
}
