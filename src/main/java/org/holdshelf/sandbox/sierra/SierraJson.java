package org.holdshelf.sandbox.sierra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes the simulator's JSON with a streaming generator: records are computed and written one
 * by one, so a page of 2000 holds never exists as objects. Absent values are left out, never
 * written as {@code null}, and empty lists are left out too, as Sierra does.
 */
final class SierraJson {

    static final Set<String> HOLD_FIELDS = Set.of("id", "record", "patron", "frozen", "placed",
            "notNeededAfterDate", "pickupByDate", "pickupLocation", "status", "recordType", "priority");
    static final Set<String> ITEM_DEFAULT_FIELDS = Set.of("id", "updatedDate", "createdDate", "deleted", "bibIds",
            "location", "status", "barcode", "callNumber");
    static final Set<String> BIB_DEFAULT_FIELDS = Set.of("id", "updatedDate", "createdDate", "deleted", "suppressed",
            "title", "author", "publishYear");
    /** Names, barcodes, emails, phones and fixed fields are "returned only if requested", as in Sierra. */
    static final Set<String> PATRON_DEFAULT_FIELDS = Set.of("id", "updatedDate", "createdDate", "deleted",
            "patronType", "expirationDate", "homeLibraryCode");

    private static final FieldSelection ITEM_DEFAULTS = FieldSelection.of(null, ITEM_DEFAULT_FIELDS);
    private static final FieldSelection BIB_DEFAULTS = FieldSelection.of(null, BIB_DEFAULT_FIELDS);
    private static final JsonFactory FACTORY = new JsonFactory();
    /** Enough for a typical hold, so a full page is written without regrowing the buffer. */
    private static final int BYTES_PER_HOLD = 420;

    /** Writes one record's properties into a JSON object the caller has opened. */
    @FunctionalInterface
    interface RecordWriter<T> {
        void write(JsonGenerator json, T record, FieldSelection fields) throws IOException;
    }

    /** A unit of JSON output, so callers need not handle the generator's IOException. */
    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private final String baseUrl;
    private final HoldsDataSet data;
    private final String holdUrlPrefix;
    private final String patronUrlPrefix;

    SierraJson(String baseUrl, HoldsDataSet data) {
        this.baseUrl = baseUrl;
        this.data = data;
        this.holdUrlPrefix = baseUrl + "/patrons/holds/";
        this.patronUrlPrefix = baseUrl + "/patrons/";
    }

    /** A {@code /patrons/holds} page: holds {@code from} (inclusive) to {@code to} (exclusive). */
    byte[] holdsPage(int from, int to, long total, int start, FieldSelection fields, boolean expandRecord) {
        return write((to - from) * BYTES_PER_HOLD + 64, json -> {
            json.writeStartObject();
            json.writeNumberField("total", total);
            json.writeNumberField("start", start);
            json.writeArrayFieldStart("entries");
            for (int index = from; index < to; index++) {
                writeHold(json, data.hold(index), fields, expandRecord);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    byte[] hold(SimHold hold, FieldSelection fields, boolean expandRecord) {
        return write(BYTES_PER_HOLD, json -> writeHold(json, hold, fields, expandRecord));
    }

    /** The {@code {total, start, entries}} envelope of an id-list answer. */
    <T> byte[] resultSet(List<T> records, int start, RecordWriter<T> writer, FieldSelection fields) {
        return write(records.size() * 300 + 64, json -> {
            json.writeStartObject();
            json.writeNumberField("total", records.size());
            json.writeNumberField("start", start);
            json.writeArrayFieldStart("entries");
            for (T record : records) {
                json.writeStartObject();
                writer.write(json, record, fields);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    <T> byte[] record(T record, RecordWriter<T> writer, FieldSelection fields) {
        return write(512, json -> {
            json.writeStartObject();
            writer.write(json, record, fields);
            json.writeEndObject();
        });
    }

    static byte[] error(SierraError error) {
        return write(160, json -> {
            json.writeStartObject();
            json.writeNumberField("code", error.code());
            json.writeNumberField("specificCode", 0);
            json.writeNumberField("httpStatus", error.httpStatus());
            json.writeStringField("name", error.name());
            if (error.description() != null) {
                json.writeStringField("description", error.description());
            }
            json.writeEndObject();
        });
    }

    static byte[] token(String accessToken, long expiresInSeconds) {
        return write(128, json -> {
            json.writeStartObject();
            json.writeStringField("access_token", accessToken);
            json.writeStringField("token_type", "bearer");
            json.writeNumberField("expires_in", expiresInSeconds);
            json.writeEndObject();
        });
    }

    /** {@code /info/token}: the roles are the ones a holdshelf harvest key needs. */
    static byte[] tokenInfo(String keyId, long expiresInSeconds, long lifetimeSeconds) {
        return write(512, json -> {
            json.writeStartObject();
            json.writeStringField("keyId", keyId);
            json.writeStringField("grantType", "client_credentials");
            json.writeStringField("authorizationScheme", "Bearer");
            json.writeNumberField("expiresIn", expiresInSeconds);
            json.writeArrayFieldStart("roles");
            for (String role : List.of("Holds_Read", "Items_Read", "Bibs_Read", "Patrons_Read")) {
                json.writeStartObject();
                json.writeStringField("name", role);
                json.writeNumberField("tokenLifetime", lifetimeSeconds);
                json.writeArrayFieldStart("permissions");
                json.writeString(role);
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    // ---- records ------------------------------------------------------------------------------

    private void writeHold(JsonGenerator json, SimHold hold, FieldSelection fields, boolean expandRecord)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("id", holdUrlPrefix + hold.holdId());
        if (fields.includes("record")) {
            writeHoldRecord(json, hold, expandRecord);
        }
        if (fields.includes("patron")) {
            json.writeStringField("patron", patronUrlPrefix + hold.patronId());
        }
        if (fields.includes("frozen")) {
            json.writeBooleanField("frozen", hold.frozen());
        }
        if (fields.includes("placed")) {
            json.writeStringField("placed", hold.placed());
        }
        if (hold.notNeededAfterDate() != null && fields.includes("notNeededAfterDate")) {
            json.writeStringField("notNeededAfterDate", hold.notNeededAfterDate());
        }
        if (hold.pickupByDate() != null && fields.includes("pickupByDate")) {
            json.writeStringField("pickupByDate", hold.pickupByDate());
        }
        if (fields.includes("pickupLocation")) {
            writeLocation(json, "pickupLocation", hold.pickupLocation());
        }
        if (fields.includes("status")) {
            json.writeObjectFieldStart("status");
            json.writeStringField("code", hold.statusCode());
            json.writeStringField("name", hold.statusName());
            json.writeEndObject();
        }
        if (fields.includes("recordType")) {
            json.writeStringField("recordType", hold.recordType());
        }
        if (fields.includes("priority")) {
            json.writeNumberField("priority", hold.priority());
        }
        json.writeEndObject();
    }

    /**
     * The held record as a URL, or with {@code expand=record} as the embedded item or bib.
     * Volume records stay URLs: Sierra's volume URL is not even a valid endpoint.
     */
    private void writeHoldRecord(JsonGenerator json, SimHold hold, boolean expand) throws IOException {
        if (expand && hold.recordType().equals("i")) {
            json.writeObjectFieldStart("record");
            writeItem(json, data.item(hold.recordId()).orElseThrow(), ITEM_DEFAULTS);
            json.writeEndObject();
        } else if (expand && hold.recordType().equals("b")) {
            json.writeObjectFieldStart("record");
            writeBib(json, data.bib(hold.recordId()).orElseThrow(), BIB_DEFAULTS);
            json.writeEndObject();
        } else {
            json.writeStringField("record", baseUrl + "/" + hold.recordEndpoint() + "/" + hold.recordId());
        }
    }

    static void writeItem(JsonGenerator json, SimItem item, FieldSelection fields) throws IOException {
        json.writeStringField("id", Long.toString(item.id()));
        if (fields.includes("updatedDate")) {
            json.writeStringField("updatedDate", item.updatedDate());
        }
        if (fields.includes("createdDate")) {
            json.writeStringField("createdDate", item.createdDate());
        }
        if (fields.includes("deleted")) {
            json.writeBooleanField("deleted", false);
        }
        if (fields.includes("bibIds")) {
            json.writeArrayFieldStart("bibIds");
            json.writeString(Long.toString(item.bibId()));
            json.writeEndArray();
        }
        if (fields.includes("location")) {
            writeLocation(json, "location", item.location());
        }
        if (fields.includes("status")) {
            json.writeObjectFieldStart("status");
            json.writeStringField("code", item.statusCode());
            json.writeStringField("display", item.statusDisplay());
            if (item.dueDate() != null) {
                json.writeStringField("duedate", item.dueDate());
            }
            json.writeEndObject();
        }
        if (item.barcode() != null && fields.includes("barcode")) {
            json.writeStringField("barcode", item.barcode());
        }
        if (fields.includes("callNumber")) {
            json.writeStringField("callNumber", item.callNumber());
        }
    }

    static void writeBib(JsonGenerator json, SimBib bib, FieldSelection fields) throws IOException {
        json.writeStringField("id", Long.toString(bib.id()));
        if (fields.includes("updatedDate")) {
            json.writeStringField("updatedDate", bib.updatedDate());
        }
        if (fields.includes("createdDate")) {
            json.writeStringField("createdDate", bib.createdDate());
        }
        if (fields.includes("deleted")) {
            json.writeBooleanField("deleted", false);
        }
        if (fields.includes("suppressed")) {
            json.writeBooleanField("suppressed", false);
        }
        if (fields.includes("title")) {
            json.writeStringField("title", bib.title());
        }
        if (fields.includes("author")) {
            json.writeStringField("author", bib.author());
        }
        if (fields.includes("publishYear")) {
            json.writeNumberField("publishYear", bib.publishYear());
        }
    }

    /**
     * A patron as Sierra serves it. A deleted patron is only {@code id}, {@code deletedDate} and
     * {@code deleted: true}, whatever {@code fields} asked for (api-facts 7.1). Fixed fields are
     * "returned only if requested", keyed by field number.
     */
    static void writePatron(JsonGenerator json, SimPatron patron, FieldSelection fields) throws IOException {
        json.writeNumberField("id", patron.id());
        if (patron.deleted()) {
            json.writeStringField("deletedDate", patron.deletedDate());
            json.writeBooleanField("deleted", true);
            return;
        }
        if (fields.includes("updatedDate")) {
            json.writeStringField("updatedDate", patron.updatedDate());
        }
        if (fields.includes("createdDate")) {
            json.writeStringField("createdDate", patron.createdDate());
        }
        if (fields.includes("deleted")) {
            json.writeBooleanField("deleted", false);
        }
        if (fields.includes("names")) {
            writeStrings(json, "names", patron.names());
        }
        if (fields.includes("barcodes")) {
            writeStrings(json, "barcodes", patron.barcodes());
        }
        if (fields.includes("expirationDate")) {
            json.writeStringField("expirationDate", patron.expirationDate());
        }
        if (fields.includes("emails")) {
            writeStrings(json, "emails", patron.emails());
        }
        if (fields.includes("patronType")) {
            json.writeNumberField("patronType", patron.patronType());
        }
        if (fields.includes("homeLibraryCode")) {
            json.writeStringField("homeLibraryCode", patron.homeLibraryCode());
        }
        if (fields.includes("phones") && !patron.phones().isEmpty()) {
            json.writeArrayFieldStart("phones");
            for (SimPatron.Phone phone : patron.phones()) {
                json.writeStartObject();
                json.writeStringField("number", phone.number());
                json.writeStringField("type", phone.type());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        if (fields.includes("fixedFields")) {
            json.writeObjectFieldStart("fixedFields");
            for (Map.Entry<String, SimPatron.FixedField> field : patron.fixedFields().entrySet()) {
                json.writeObjectFieldStart(field.getKey());
                json.writeStringField("label", field.getValue().label());
                json.writeStringField("value", field.getValue().value());
                if (field.getValue().display() != null) {
                    json.writeStringField("display", field.getValue().display());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        }
    }

    private static void writeStrings(JsonGenerator json, String field, List<String> values) throws IOException {
        if (values.isEmpty()) {
            return;
        }
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void writeLocation(JsonGenerator json, String field, SimLocation location) throws IOException {
        json.writeObjectFieldStart(field);
        json.writeStringField("code", location.code());
        json.writeStringField("name", location.name());
        json.writeEndObject();
    }

    private static byte[] write(int expectedSize, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expectedSize);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write simulator JSON", e);
        }
        return out.toByteArray();
    }
}
