package org.holdshelf.sandbox.sierra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.holdshelf.sandbox.sierra.SierraTestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SierraTokenTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    private static SierraSimulator simulator;
    private static SierraTestClient client;

    @BeforeAll
    static void start() {
        simulator = new SierraSimulator(SierraSandboxSettings.builder().holds(500).tokenLifetimeSeconds(2).build()).start();
        client = new SierraTestClient(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void resetStats() {
        simulator.stats().reset();
    }

    @Test
    void goodCredentialsGetABearerToken() {
        Reply reply = client.requestToken("sandbox-key", "sandbox-secret-123");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode token = reply.json();
        assertThat(token.get("access_token").asText()).hasSizeGreaterThan(20);
        assertThat(token.get("token_type").asText()).isEqualTo("bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(2);
        assertThat(token.has("refresh_token")).isFalse();
        assertThat(client.get("/patrons/holds?limit=1", token.get("access_token").asText()).status()).isEqualTo(200);
        assertThat(simulator.stats().tokensIssued()).isEqualTo(1);
    }

    @Test
    void everyTokenIsDifferent() {
        assertThat(client.token()).isNotEqualTo(client.token());
    }

    @Test
    void wrongCredentialsAreRejectedWithInvalidGrant() {
        client.requestToken("sandbox-key", "wrong-secret-456").assertSierraError(401, 123);
        client.requestToken("other-key", "sandbox-secret-123").assertSierraError(401, 123);
        client.postToken(null, FORM, "grant_type=client_credentials").assertSierraError(401, 113);
        client.postToken("Basic not-base64!", FORM, "grant_type=client_credentials").assertSierraError(401, 113);

        assertThat(simulator.stats().unauthorized()).isEqualTo(4);
        assertThat(simulator.stats().requests(SierraEndpoint.TOKEN)).isEqualTo(4);
        assertThat(simulator.stats().tokensIssued()).isZero();
    }

    @Test
    void grantTypeIsRequiredInAFormBody() {
        String basic = SierraTestClient.basic("sandbox-key", "sandbox-secret-123");

        client.postToken(basic, FORM, "").assertSierraError(400, 105);
        client.postToken(basic, FORM, "grant_type=password").assertSierraError(400, 108);
        client.postToken(basic, "application/json", "{\"grant_type\":\"client_credentials\"}").assertSierraError(400, 105);
    }

    @Test
    void tokenEndpointWantsPost() {
        Reply reply = client.getWithAuthorization("/token", SierraTestClient.basic("sandbox-key", "sandbox-secret-123"));

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void missingOrMalformedAuthorizationIsCode113() {
        JsonNode error = client.getWithAuthorization("/patrons/holds", null).assertSierraError(401, 113);
        assertThat(error.toString()).isEqualTo("{\"code\":113,\"specificCode\":0,\"httpStatus\":401,"
                + "\"name\":\"Unauthorized\",\"description\":\"Invalid or missing authorization header\"}");

        client.getWithAuthorization("/patrons/holds", "Bearer ").assertSierraError(401, 113);
        client.getWithAuthorization("/items?id=5000000", "Token abc").assertSierraError(401, 113);
        client.getWithAuthorization("/bibs?id=3000000", SierraTestClient.basic("sandbox-key", "sandbox-secret-123"))
                .assertSierraError(401, 113);

        assertThat(simulator.stats().unauthorized()).isEqualTo(4);
    }

    @Test
    void unknownTokenIsCode123() {
        JsonNode error = client.get("/patrons/holds", "no-such-token").assertSierraError(401, 123);

        assertThat(error.toString()).isEqualTo("{\"code\":123,\"specificCode\":0,\"httpStatus\":401,"
                + "\"name\":\"Unauthorized\",\"description\":\"invalid_grant\"}");
    }

    @Test
    void expiredTokenIsCode123AndANewTokenWorks() {
        String token = client.token();
        assertThat(client.get("/patrons/holds?limit=1", token).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.get("/patrons/holds?limit=1", token).status() == 401);

        client.get("/patrons/holds?limit=1", token).assertSierraError(401, 123);
        assertThat(client.get("/patrons/holds?limit=1", client.token()).status()).isEqualTo(200);
    }

    @Test
    void tokenInfoDescribesTheToken() {
        try (SierraSimulator longLived = new SierraSimulator(SierraSandboxSettings.builder().holds(10).build()).start()) {
            SierraTestClient longLivedClient = new SierraTestClient(longLived);

            Reply reply = longLivedClient.get("/info/token", longLivedClient.token());

            assertThat(reply.status()).isEqualTo(200);
            JsonNode info = reply.json();
            assertThat(info.get("keyId").asText()).isEqualTo("sandbox-key");
            assertThat(info.get("grantType").asText()).isEqualTo("client_credentials");
            assertThat(info.get("authorizationScheme").asText()).isEqualTo("Bearer");
            assertThat(info.get("expiresIn").asLong()).isBetween(3500L, 3600L);
            assertThat(info.get("roles")).isNotEmpty();
            assertThat(info.get("roles").get(0).get("tokenLifetime").asLong()).isEqualTo(3600);
            assertThat(longLived.stats().requests(SierraEndpoint.TOKEN_INFO)).isEqualTo(1);
        }
    }

    @Test
    void unknownPathIsAPlain404() {
        Reply reply = client.get("/patrons/holds/1/extra", client.token());

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("text/plain");
    }
}
