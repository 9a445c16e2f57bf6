package org.holdshelf.sandbox.sierra;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.sandbox.sierra.SierraTestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SierraTokenTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    @RegisterExtension
    static final RunningSierra SIERRA = new RunningSierra(SierraSandboxSettings.builder().holds(500).tokenLifetimeSeconds(2).build());

    @Test
    void goodCredentialsGetABearerToken() {
        Reply reply = SIERRA.client().requestToken("sandbox-key", "sandbox-secret-123");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode token = reply.json();
        assertThat(token.get("access_token").asText()).hasSizeGreaterThan(20);
        assertThat(token.get("token_type").asText()).isEqualTo("bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(2);
        assertThat(token.has("refresh_token")).isFalse();
        assertThat(SIERRA.client().get("/patrons/holds?limit=1", token.get("access_token").asText()).status()).isEqualTo(200);
        assertThat(SIERRA.simulator().stats().tokensIssued()).isEqualTo(1);
    }

    @Test
    void everyTokenIsDifferent() {
        assertThat(SIERRA.client().token()).isNotEqualTo(SIERRA.client().token());
    }

    @Test
    void wrongCredentialsAreRejectedWithInvalidGrant() {
        SIERRA.client().requestToken("sandbox-key", "wrong-secret-456").assertSierraError(401, 123);
        SIERRA.client().requestToken("other-key", "sandbox-secret-123").assertSierraError(401, 123);
        SIERRA.client().postToken(null, FORM, "grant_type=client_credentials").assertSierraError(401, 113);
        SIERRA.client().postToken("Basic not-base64!", FORM, "grant_type=client_credentials").assertSierraError(401, 113);

        assertThat(SIERRA.simulator().stats().unauthorized()).isEqualTo(4);
        assertThat(SIERRA.simulator().stats().requests(SierraEndpoint.TOKEN)).isEqualTo(4);
        assertThat(SIERRA.simulator().stats().tokensIssued()).isZero();
    }

    @Test
    void grantTypeIsRequiredInAFormBody() {
        String basic = SierraTestClient.basic("sandbox-key", "sandbox-secret-123");

        SIERRA.client().postToken(basic, FORM, "").assertSierraError(400, 105);
        SIERRA.client().postToken(basic, FORM, "grant_type=password").assertSierraError(400, 108);
        SIERRA.client().postToken(basic, "application/json", "{\"grant_type\":\"client_credentials\"}").assertSierraError(400, 105);
    }

    @Test
    void tokenEndpointWantsPost() {
        Reply reply = SIERRA.client().getWithAuthorization("/token", SierraTestClient.basic("sandbox-key", "sandbox-secret-123"));

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void missingOrMalformedAuthorizationIsCode113() {
        JsonNode error = SIERRA.client().getWithAuthorization("/patrons/holds", null).assertSierraError(401, 113);
        assertThat(error.toString()).isEqualTo("{\"code\":113,\"specificCode\":0,\"httpStatus\":401,"
                + "\"name\":\"Unauthorized\",\"description\":\"Invalid or missing authorization header\"}");

        SIERRA.client().getWithAuthorization("/patrons/holds", "Bearer ").assertSierraError(401, 113);
        SIERRA.client().getWithAuthorization("/items?id=5000000", "Token abc").assertSierraError(401, 113);
        SIERRA.client().getWithAuthorization("/bibs?id=3000000", SierraTestClient.basic("sandbox-key", "sandbox-secret-123"))
                .assertSierraError(401, 113);

        assertThat(SIERRA.simulator().stats().unauthorized()).isEqualTo(4);
    }

    @Test
    void unknownTokenIsCode123() {
        JsonNode error = SIERRA.client().get("/patrons/holds", "no-such-token").assertSierraError(401, 123);

        assertThat(error.toString()).isEqualTo("{\"code\":123,\"specificCode\":0,\"httpStatus\":401,"
                + "\"name\":\"Unauthorized\",\"description\":\"invalid_grant\"}");
    }

    @Test
    void expiredTokenIsCode123AndANewTokenWorks() {
        String token = SIERRA.client().token();
        assertThat(SIERRA.client().get("/patrons/holds?limit=1", token).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> SIERRA.client().get("/patrons/holds?limit=1", token).status() == 401);

        SIERRA.client().get("/patrons/holds?limit=1", token).assertSierraError(401, 123);
        assertThat(SIERRA.client().get("/patrons/holds?limit=1", SIERRA.client().token()).status()).isEqualTo(200);
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
        Reply reply = SIERRA.client().get("/patrons/holds/1/extra", SIERRA.client().token());

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.contentType()).startsWith("text/plain");
    }
}
