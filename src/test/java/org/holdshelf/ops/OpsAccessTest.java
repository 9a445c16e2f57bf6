package org.holdshelf.ops;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may use the operators' endpoint: the token as a bearer header or a session cookie, health for anyone. */
class OpsAccessTest {

    private static final String TOKEN = "s3cret-token-0123456789";
    private final OpsAccess access = new OpsAccess(Optional.of(TOKEN));

    @Test
    void shouldAllowEverythingWithoutAToken() {
        OpsAccess open = new OpsAccess(Optional.empty());
        assertThat(open.open()).isTrue();
        assertThat(open.allows("/api/harvest", null, null)).isTrue();
        assertThat(open.allows("/", null, null)).isTrue();
    }

    @Test
    void shouldLetAnyoneAskForHealthAndSignIn() {
        assertThat(access.allows("/q/health", null, null)).isTrue();
        assertThat(access.allows("/q/health/live", null, null)).isTrue();
        assertThat(access.allows("/q/health/ready/", null, null)).isTrue();
        assertThat(access.allows("/signin", null, null)).isTrue();
        assertThat(access.allows("/q/healthz", null, null)).isFalse();
        assertThat(access.allows("/q/health/../metrics", null, null)).as("only normalised paths are public").isFalse();
    }

    @Test
    void shouldRequireTheTokenEverywhereElse() {
        for (String path : new String[] {"/", "/api/harvest", "/q/metrics", "/files/2026-01-01/x/a.csv", "/notices"}) {
            assertThat(access.allows(path, null, null)).as(path).isFalse();
            assertThat(access.allows(path, "Bearer " + TOKEN, null)).as(path).isTrue();
        }
    }

    @Test
    void shouldRefuseAWrongOrMalformedToken() {
        assertThat(access.allows("/", "Bearer " + TOKEN + "x", null)).isFalse();
        assertThat(access.allows("/", "Bearer " + TOKEN.substring(1), null)).isFalse();
        assertThat(access.allows("/", "Bearer ", null)).isFalse();
        assertThat(access.allows("/", "Basic " + TOKEN, null)).isFalse();
        assertThat(access.allows("/", TOKEN, null)).isFalse();
        assertThat(access.tokenMatches(null)).isFalse();
        assertThat(access.tokenMatches("")).isFalse();
    }

    @Test
    void shouldAcceptTheSchemeInAnyCase() {
        assertThat(access.allows("/", "bearer " + TOKEN, null)).isTrue();
        assertThat(access.allows("/", "BEARER  " + TOKEN + " ", null)).isTrue();
    }

    @Test
    void shouldSignInABrowserWithACookieThatIsNotTheToken() {
        String setCookie = access.sessionCookie();
        assertThat(setCookie).startsWith(OpsAccess.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict")
                .doesNotContain(TOKEN);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(access.allows("/", null, "theme=dark; " + cookie)).isTrue();
        assertThat(access.allows("/", null, OpsAccess.COOKIE + "=" + TOKEN)).as("the token itself is no session").isFalse();
        assertThat(access.allows("/", null, OpsAccess.COOKIE + "=nonsense")).isFalse();
        assertThat(new OpsAccess(Optional.of("another-token-0123456")).allows("/", null, cookie))
                .as("a session of another token").isFalse();
    }
}
