package org.holdshelf.directory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.events.EventTypes;
import org.holdshelf.events.Json;

/**
 * One answer of Libib's {@code GET /patrons?page=N}: {@code {"total", "pages", "max_per_page",
 * "patrons": [...]}}, 50 patrons a page (api-facts 3). A patron that cannot be mirrored (no barcode,
 * not an object) is rejected on its own with the reason; an answer that is not such a page at all
 * (HTML from a proxy, JSON without the {@code patrons} array) is refused as a whole.
 *
 * @param total    Libib's count of patrons, or -1 when the page does not say
 * @param pages    Libib's count of pages, or -1 when the page does not say
 * @param patrons  the patrons that can be mirrored, in the page's order
 * @param rejected the ones that cannot, with the reason and their JSON
 */
public record LibibPage(int page, int total, int pages, List<DirectoryPatron> patrons, List<Rejected> rejected) {

    /** A patron record of the page that cannot be mirrored. */
    public record Rejected(int index, String reason, String json) {
    }

    /** Reads page {@code page} from the answer's body; throws {@link LibibAnswerException} naming what is wrong with it. */
    public static LibibPage parse(int page, byte[] body, String mirrorId, String mirroredAt) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            throw new LibibAnswerException("Libib page " + page + " is not JSON (" + start(body) + ")", true);
        }
        if (root == null || !root.isObject()) {
            throw new LibibAnswerException("Libib page " + page + " is not a JSON object (" + start(body) + ")", true);
        }
        JsonNode list = root.get("patrons");
        if (list == null || !list.isArray()) {
            throw new LibibAnswerException("Libib page " + page + " has no patrons array (" + start(body) + ")", true);
        }
        List<DirectoryPatron> patrons = new ArrayList<>(list.size());
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                rejected.add(new Rejected(i, "patron " + (i + 1) + " of page " + page + " is not an object", p.toString()));
                continue;
            }
            String barcode = text(p, "barcode");
            if (barcode == null) {
                rejected.add(new Rejected(i, "patron " + (i + 1) + " of page " + page + " has no barcode", p.toString()));
                continue;
            }
            patrons.add(new DirectoryPatron(EventTypes.PATRON, EventTypes.SCHEMA_VERSION, barcode, text(p, "first_name"),
                    text(p, "last_name"), text(p, "email"), addresses(text(p, "notification_emails")), text(p, "phone"),
                    frozen(p.get("freeze")), mirroredAt, mirrorId));
        }
        return new LibibPage(page, number(root, "total"), number(root, "pages"), patrons, rejected);
    }

    /** A field's text, trimmed; null when absent, JSON null or blank (Libib's unset fields are null). */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    /** {@code notification_emails}: up to 3 addresses, comma-separated. */
    static List<String> addresses(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split("[,;]")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /** {@code freeze} is 1 when frozen and null otherwise; "1" and true are read the same way. */
    static boolean frozen(JsonNode v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return "1".equals(v.asText().strip());
    }

    private static int number(JsonNode root, String field) {
        JsonNode v = root.get(field);
        return v != null && v.canConvertToInt() ? v.intValue() : -1;
    }

    /** The start of a body, for an error message: enough to tell HTML from JSON, never a whole page of personal data. */
    static String start(byte[] body) {
        if (body == null || body.length == 0) {
            return "empty body";
        }
        String s = new String(body, 0, Math.min(body.length, 40), StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return "starts with '" + s + (body.length > 40 ? "...'" : "'");
    }

    /** True when this page is the last one: Libib says so, or it is short of a full page. */
    public boolean last() {
        if (pages >= 0) {
            return page >= pages;
        }
        return patrons.size() + rejected.size() < 50;
    }
}
