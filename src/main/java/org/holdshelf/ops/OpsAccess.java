package org.holdshelf.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the operators' endpoint. With a token ({@code holdshelf.ops.token}) every path but
 * the health checks and the sign-in needs it: as {@code Authorization: Bearer <token>} (scripts,
 * Prometheus) or as the session cookie a browser gets by signing in with it. Without a token (only
 * allowed on a loopback address) everything is open to this machine, like the embedded broker.
 *
 * <p>Tokens are compared in constant time (their SHA-256 digests, with {@link MessageDigest#isEqual}),
 * so the time an answer takes says nothing about how much of a guess was right. The cookie holds a
 * digest of the token, never the token.
 */
final class OpsAccess {

    /** The session cookie a browser gets by signing in. */
    static final String COOKIE = "holdshelf_ops";
    /** Paths anyone may use: health for load balancers and orchestrators, and the sign-in form's target. */
    static final Set<String> PUBLIC_PATHS = Set.of("/q/health", "/q/health/live", "/q/health/ready", "/signin");

    private final byte[] tokenDigest;
    private final String sessionValue;

    OpsAccess(Optional<String> token) {
        this.tokenDigest = token.map(OpsAccess::sha256).orElse(null);
        this.sessionValue = token.map(t -> HexFormat.of().formatHex(sha256("holdshelf-ops-session\n" + t))).orElse(null);
    }

    /** No token is configured: everything is open (a loopback address only). */
    boolean open() {
        return tokenDigest == null;
    }

    static boolean isPublic(String normalizedPath) {
        return normalizedPath != null && PUBLIC_PATHS.contains(stripTrailingSlash(normalizedPath));
    }

    /**
     * Whether a request for {@code normalizedPath} with these headers may go on.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param cookies       the {@code Cookie} header, or null
     */
    boolean allows(String normalizedPath, String authorization, String cookies) {
        if (open() || isPublic(normalizedPath)) {
            return true;
        }
        return bearer(authorization).map(this::tokenMatches).orElse(false)
                || cookie(cookies).map(this::sessionMatches).orElse(false);
    }

    /** Whether {@code candidate} is the token; constant time. */
    boolean tokenMatches(String candidate) {
        return tokenDigest != null && candidate != null && MessageDigest.isEqual(sha256(candidate), tokenDigest);
    }

    private boolean sessionMatches(String candidate) {
        return sessionValue != null && MessageDigest.isEqual(sha256(candidate), sha256(sessionValue));
    }

    /** The {@code Set-Cookie} header of a signed-in browser: this site only, not readable by scripts. */
    String sessionCookie() {
        if (open()) {
            throw new IllegalStateException("no token, no session");
        }
        return COOKIE + "=" + sessionValue + "; Path=/; HttpOnly; SameSite=Strict";
    }

    static Optional<String> bearer(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String a = authorization.trim();
        if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(a.substring(7).trim());
        }
        return Optional.empty();
    }

    static Optional<String> cookie(String cookies) {
        if (cookies == null) {
            return Optional.empty();
        }
        for (String part : cookies.split(";")) {
            String p = part.trim();
            if (p.startsWith(COOKIE + "=")) {
                return Optional.of(p.substring(COOKIE.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }
}
