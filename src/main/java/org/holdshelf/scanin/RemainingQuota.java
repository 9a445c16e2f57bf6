package org.holdshelf.scanin;

import java.time.Instant;

/**
 * Alma's {@code X-Exl-Api-Remaining} as last seen: the institution's calls left today.
 *
 * @param sequence counts the answers that carried the header, so a caller can tell a fresh value
 *                 from one it has already acted on
 */
public record RemainingQuota(long calls, Instant observedAt, long sequence) {
}
