package org.holdshelf.sierra;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import org.holdshelf.events.HoldState;
import org.holdshelf.events.Json;

/**
 * Streaming readers for Sierra's JSON answers. A page of 2,000 holds is read token by token and
 * only the ready and in-transit holds become objects, so a harvest of a million holds stays
 * cheap. Anything that is not the expected shape raises {@link MalformedResponseException}
 * naming what was wrong.
 */
final class SierraJson {

    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private SierraJson() {
    }

    static final class MalformedResponseException extends Exception {
        MalformedResponseException(String message) {
            super(message);
        }
    }

    /** Mutable holder for the fields of one hold entry while it is being read. */
    private static final class Entry {
        String id;
        String record;
        String patron;
        String statusCode;
        String locationCode;
        String locationName;
        String recordType;
        String placed;
        String pickupByDate;

        Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("record", record);
            m.put("patron", patron);
            m.put("status", statusCode);
            m.put("pickupLocationCode", locationCode);
            m.put("pickupLocationName", locationName);
            m.put("recordType", recordType);
            m.put("placed", placed);
            m.put("pickupByDate", pickupByDate);
            m.values().removeIf(v -> v == null);
            return m;
        }
    }

    /**
     * Reads a page of holds. Most holds are waiting in the queue, so each entry is first scanned
     * for its status alone, without decoding its other values; only ready and in-transit entries
     * (about a fifth) are then read in full from their bytes.
     */
    static HoldsPage holdsPage(byte[] body, long offset, ZoneId libraryZone) throws MalformedResponseException {
        List<SierraHold> holds = new ArrayList<>();
        List<RejectedHold> rejected = new ArrayList<>();
        int[] entries = {0};
        Long total = readEntries(body, p -> {
            entries[0]++;
            int start = (int) p.currentTokenLocation().getByteOffset();
            String status = scanStatus(p);
            if (HoldState.ofSierraStatus(status).isPresent()) {
                int end = (int) p.currentLocation().getByteOffset();
                try (JsonParser entry = FACTORY.createParser(body, start, end - start)) {
                    entry.nextToken();
                    classify(readEntry(entry), libraryZone, holds, rejected);
                }
            }
        });
        return new HoldsPage(offset, entries[0], total, holds, rejected, false);
    }

    /** The status code of the entry the parser is in, its other values skipped undecoded; leaves the parser on the entry's end. */
    private static String scanStatus(JsonParser p) throws IOException {
        String status = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean isStatus = "status".equals(p.currentName());
            JsonToken value = p.nextToken();
            if (isStatus && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean isCode = "code".equals(p.currentName());
                    JsonToken codeValue = p.nextToken();
                    if (isCode && codeValue == JsonToken.VALUE_STRING) {
                        status = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren(); // a no-op for scalars, whose text is then never decoded
            }
        }
        return status;
    }

    private static Entry readEntry(JsonParser p) throws IOException {
        Entry e = new Entry();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "id" -> e.id = scalar(p, value);
                case "patron" -> e.patron = scalar(p, value);
                case "recordType" -> e.recordType = scalar(p, value);
                case "placed" -> e.placed = scalar(p, value);
                case "pickupByDate" -> e.pickupByDate = scalar(p, value);
                case "record" -> {
                    if (value == JsonToken.START_OBJECT) {
                        // expand=record embeds the item or bib; its id is what we need
                        Map<String, String> embedded = readFlatObject(p);
                        e.record = embedded.get("id");
                    } else {
                        e.record = scalar(p, value);
                    }
                }
                case "status" -> {
                    Map<String, String> status = readFlatObject(p, value);
                    e.statusCode = status.get("code");
                }
                case "pickupLocation" -> {
                    Map<String, String> location = readFlatObject(p, value);
                    e.locationCode = location.get("code");
                    e.locationName = location.get("name");
                }
                default -> p.skipChildren();
            }
        }
        return e;
    }

    private static void classify(Entry e, ZoneId zone, List<SierraHold> holds, List<RejectedHold> rejected) {
        Optional<HoldState> state = HoldState.ofSierraStatus(e.statusCode);
        if (state.isEmpty()) {
            return; // waiting in the queue (or another status): not on the holdshelf, not published
        }
        String holdId = lastSegment(e.id);
        String problem = null;
        String pickupByDate = null;
        if (holdId == null) {
            problem = "the hold has no id";
        } else if (e.locationCode == null || e.locationCode.isBlank()) {
            problem = "the hold has no pickupLocation code";
        } else if (e.patron == null || lastSegment(e.patron) == null) {
            problem = "the hold has no patron";
        } else if (e.pickupByDate != null) {
            pickupByDate = normalisePickupBy(e.pickupByDate, zone);
            if (pickupByDate == null) {
                problem = "pickupByDate '" + e.pickupByDate + "' is not a date or date-time";
            }
        }
        if (problem != null) {
            rejected.add(new RejectedHold(holdId, problem, toJson(e.asMap())));
            return;
        }
        String recordId = e.record == null ? null : lastSegment(e.record);
        String recordType = e.recordType != null ? e.recordType : recordTypeFromUrl(e.record);
        holds.add(new SierraHold(holdId, parseNumber(holdId), lastSegment(e.patron), recordType, recordId,
                e.statusCode, state.get(), e.locationCode, e.locationName, pickupByDate, e.placed));
    }

    /**
     * Sierra documents {@code pickupByDate} as a date but sends a UTC date-time. A date-only value
     * is taken as the start of that day in the library's time zone, so it renders as that day.
     */
    static String normalisePickupBy(String raw, ZoneId zone) {
        try {
            if (raw.length() <= 10) {
                return LocalDate.parse(raw).atStartOfDay(zone).toInstant().toString();
            }
            return OffsetDateTime.parse(raw).toInstant().toString();
        } catch (DateTimeException e) {
            try {
                return Instant.parse(raw).toString();
            } catch (DateTimeException again) {
                return null;
            }
        }
    }

    static Map<String, SierraItem> items(byte[] body) throws MalformedResponseException {
        Map<String, SierraItem> items = new HashMap<>();
        readEntries(body, p -> {
            String id = null;
            String barcode = null;
            String bibId = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = scalar(p, value);
                    case "barcode" -> barcode = scalar(p, value);
                    case "bibIds" -> {
                        if (value == JsonToken.START_ARRAY) {
                            while (p.nextToken() != JsonToken.END_ARRAY) {
                                if (bibId == null) {
                                    bibId = scalar(p, p.currentToken());
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (id != null) {
                items.put(id, new SierraItem(id, barcode == null || barcode.isBlank() ? null : barcode, bibId));
            }
        });
        return items;
    }

    /** Patrons of a {@code /patrons?id=} answer by id; deleted records are included, flagged. */
    static Map<String, SierraPatron> patrons(byte[] body) throws MalformedResponseException {
        Map<String, SierraPatron> patrons = new HashMap<>();
        readEntries(body, p -> {
            JsonNode entry = p.readValueAsTree();
            String id = entry.path("id").asText(null);
            if (id == null || id.isEmpty()) {
                return;
            }
            List<String> names = texts(entry.path("names"));
            List<String> emails = texts(entry.path("emails"));
            List<String> barcodes = texts(entry.path("barcodes"));
            List<SierraPatron.Phone> phones = new ArrayList<>();
            for (JsonNode phone : entry.path("phones")) {
                String number = phone.path("number").asText("").trim();
                if (!number.isEmpty()) {
                    phones.add(new SierraPatron.Phone(number, phone.path("type").asText("").trim()));
                }
            }
            JsonNode fixed = entry.path("fixedFields");
            patrons.put(lastSegment(id), new SierraPatron(lastSegment(id), names, emails, phones, barcodes,
                    fixedValue(fixed, "263"), fixedValue(fixed, "268"), entry.path("deleted").asBoolean(false)));
        });
        return patrons;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode n : array) {
            String v = n.isValueNode() ? n.asText("").trim() : "";
            if (!v.isEmpty()) {
                values.add(v);
            }
        }
        return values;
    }

    /** A fixed field's value ({@code {"263": {"label": ..., "value": "spa"}}}); blank means unset. */
    private static String fixedValue(JsonNode fixedFields, String number) {
        String value = fixedFields.path(number).path("value").asText("").trim();
        return value.isEmpty() ? null : value;
    }

    static Map<String, String> titles(byte[] body) throws MalformedResponseException {
        Map<String, String> titles = new HashMap<>();
        readEntries(body, p -> {
            String id = null;
            String title = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = scalar(p, value);
                    case "title" -> title = scalar(p, value);
                    default -> p.skipChildren();
                }
            }
            if (id != null && title != null) {
                titles.put(id, title);
            }
        });
        return titles;
    }

    /** The {@code id} of one patron record ({@code /patrons/find}). */
    static String patronId(byte[] body) throws MalformedResponseException {
        try {
            var node = Json.MAPPER.readTree(body);
            if (node == null || !node.path("id").canConvertToLong()) {
                throw new MalformedResponseException("a patron record without an id");
            }
            return node.path("id").asText();
        } catch (IOException e) {
            throw new MalformedResponseException("not JSON: " + e.getMessage());
        }
    }

    /** Sierra's ErrorCode object ({@code code}, {@code httpStatus}, {@code name}, {@code description}), if the body is one. */
    static Optional<SierraError> error(byte[] body) {
        try {
            var node = Json.MAPPER.readTree(body);
            if (node != null && node.has("code") && node.path("code").canConvertToInt()) {
                return Optional.of(new SierraError(node.path("code").asInt(), node.path("name").asText(null),
                        node.path("description").asText(null)));
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: the caller describes the body instead
        }
        return Optional.empty();
    }

    record SierraError(int code, String name, String description) {
        @Override
        public String toString() {
            return "Sierra error " + code + (name == null ? "" : " " + name) + (description == null ? "" : " (" + description + ")");
        }
    }

    @FunctionalInterface
    private interface EntryReader {
        void read(JsonParser p) throws IOException;
    }

    /**
     * Reads a result set ({@code {"total": n, "start": s, "entries": [...]}}), handing each entry
     * object to {@code reader}; returns Sierra's {@code total} when there is one.
     */
    private static Long readEntries(byte[] body, EntryReader reader) throws MalformedResponseException {
        boolean sawEntries = false;
        Long total = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the response is not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("total")) {
                    total = value.isNumeric() ? p.getLongValue() : null;
                } else if (field.equals("entries")) {
                    expect(value, JsonToken.START_ARRAY, "'entries' is not an array");
                    sawEntries = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        reader.read(p);
                    }
                    expect(p.currentToken(), JsonToken.END_ARRAY, "'entries' holds something other than objects");
                } else {
                    p.skipChildren();
                }
            }
            expect(p.currentToken(), JsonToken.END_OBJECT, "the JSON object is not closed");
            if (p.nextToken() != null) {
                throw new MalformedResponseException("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new MalformedResponseException("invalid JSON: " + e.getOriginalMessage()
                    + " at byte " + e.getLocation().getByteOffset());
        } catch (IOException e) {
            throw new MalformedResponseException("unreadable body: " + e.getMessage());
        }
        if (!sawEntries) {
            throw new MalformedResponseException("no 'entries' array in the response");
        }
        return total;
    }

    private static Map<String, String> readFlatObject(JsonParser p) throws IOException {
        return readFlatObject(p, p.currentToken());
    }

    /** Reads the scalar fields of an object (nested values skipped); a non-object gives an empty map. */
    private static Map<String, String> readFlatObject(JsonParser p, JsonToken start) throws IOException {
        Map<String, String> fields = new HashMap<>();
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return fields;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            String text = scalar(p, value);
            if (text != null) {
                fields.put(name, text);
            }
        }
        return fields;
    }

    /** The text of a scalar token; null for null, objects and arrays (which are skipped). */
    private static String scalar(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, String problem) throws MalformedResponseException {
        if (actual != expected) {
            throw new MalformedResponseException(problem);
        }
    }

    /** The id at the end of a Sierra record URL ({@code .../patrons/holds/406333} gives {@code 406333}). */
    static String lastSegment(String urlOrId) {
        if (urlOrId == null || urlOrId.isBlank()) {
            return null;
        }
        String s = urlOrId.endsWith("/") ? urlOrId.substring(0, urlOrId.length() - 1) : urlOrId;
        String segment = s.substring(s.lastIndexOf('/') + 1);
        return segment.isBlank() ? null : segment;
    }

    private static String recordTypeFromUrl(String recordUrl) {
        if (recordUrl == null) {
            return null;
        }
        if (recordUrl.contains("/items/")) {
            return "i";
        }
        if (recordUrl.contains("/bibs/")) {
            return "b";
        }
        if (recordUrl.contains("/volumes/")) {
            return "j";
        }
        return null;
    }

    private static long parseNumber(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String toJson(Map<String, String> fields) {
        try {
            return Json.MAPPER.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            return fields.toString();
        }
    }
}
