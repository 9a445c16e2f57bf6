package org.holdshelf.hoopla;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.events.Json;

/**
 * One card's answer to {@code GET .../patrons/{card}/holds/current} (api-facts 4.3): an array of
 * holds, each with {@code contentId}, {@code title}, {@code kind}, {@code status} ({@code RESERVED}:
 * the title is reserved for the patron and can be borrowed now; {@code WAITING}: still in the
 * queue) and, on reserved holds only, {@code reserveUntil} (unix seconds).
 */
record HooplaHolds(List<Hold> holds) {

    /** One hold as the poll keeps it. {@code reserveUntil} is null when Hoopla left it out. */
    record Hold(long contentId, String title, String kind, String status, Long reserveUntil) {

        boolean reserved() {
            return "RESERVED".equals(status);
        }

        /** Never print a patron's title by accident: Hoopla's terms forbid keeping title lists. */
        @Override
        public String toString() {
            return "Hold[" + contentId + ", " + status + "]";
        }
    }

    /** Reads the answer; anything but an array of objects with a content id and a status is refused, saying what was wrong. */
    static HooplaHolds parse(String body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new HooplaAnswerException("not JSON: " + summary(body));
        }
        if (json == null || !json.isArray()) {
            throw new HooplaAnswerException("expected an array of holds, got " + (json == null ? "nothing" : json.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT)) + ": " + summary(body));
        }
        List<Hold> holds = new ArrayList<>(json.size());
        for (JsonNode h : json) {
            JsonNode id = h.get("contentId");
            JsonNode status = h.get("status");
            if (id == null || !id.canConvertToLong() || status == null || !status.isTextual()) {
                throw new HooplaAnswerException("a hold without contentId or status: " + summary(h.toString()));
            }
            JsonNode until = h.get("reserveUntil");
            holds.add(new Hold(id.asLong(), text(h, "title"), text(h, "kind"), status.asText(),
                    until == null || until.isNull() || !until.canConvertToLong() ? null : until.asLong()));
        }
        return new HooplaHolds(List.copyOf(holds));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String summary(String body) {
        if (body == null || body.isBlank()) {
            return "(empty)";
        }
        String flat = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
