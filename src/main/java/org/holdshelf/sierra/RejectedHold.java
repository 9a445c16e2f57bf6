package org.holdshelf.sierra;

/**
 * A hold the pipeline should publish but cannot, because Sierra sent it incomplete or malformed
 * (no pickup location, an unreadable date...). It goes to the dead-letter topic with the reason.
 *
 * @param fields the hold's fields as read, as JSON, so an operator can find it in Sierra
 */
public record RejectedHold(String holdId, String reason, String fields) {
}
