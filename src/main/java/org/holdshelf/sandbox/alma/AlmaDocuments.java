package org.holdshelf.sandbox.alma;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Alma's documents in JSON and XML: the Item object and the error envelope.
 *
 * <p>The Item follows the real Princeton and UiO samples field by field (api-facts 2.3), so a
 * client's parser meets the same nulls, empty strings and {@code {value, desc}} pairs as in
 * production. The XML form follows Alma's conventions: {@code link} is an attribute, a
 * {@code {value, desc}} pair is an element with a {@code desc} attribute, a list {@code x} is
 * wrapped in {@code <xs>}.
 */
final class AlmaDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    private static final String ERROR_NAMESPACE = "http://com/exlibris/urm/general/xmlbeans";

    private final String library;
    private final String libraryName;

    /** Documents for an institution whose items all belong to one library. */
    AlmaDocuments(String library, String libraryName) {
        this.library = library;
        this.libraryName = libraryName;
    }

    /**
     * The Item object as it stands now; with {@code additionalInfo} (a scan-in answer) the
     * top-level {@code additional_info} string goes between {@code item_data} and {@code link}.
     * Links are absolute, below {@code baseUrl} ({@code …/almaws/v1}).
     */
    ObjectNode item(String baseUrl, AlmaItemIds ids, String barcode, ItemProfile profile, ItemState state, String additionalInfo) {
        String bibLink = baseUrl + "/bibs/" + ids.mmsId();
        String holdingLink = bibLink + "/holdings/" + ids.holdingId();
        ItemProfile.Book book = profile.book();

        ObjectNode item = JSON.createObjectNode();
        ObjectNode bib = item.putObject("bib_data");
        bib.put("mms_id", ids.mmsId());
        bib.put("title", book.title());
        bib.put("author", book.author());
        bib.putNull("issn");
        bib.putNull("isbn");
        bib.put("complete_edition", "");
        bib.putArray("network_number").add("(OCoLC)" + ids.mmsId().substring(2, 11));
        bib.put("place_of_publication", book.placeOfPublication());
        bib.put("date_of_publication", book.year());
        bib.put("publisher_const", book.publisher());
        bib.put("link", bibLink);

        ObjectNode holding = item.putObject("holding_data");
        holding.put("holding_id", ids.holdingId());
        valueDesc(holding, "call_number_type", "0", "Library of Congress classification");
        holding.put("call_number", book.callNumber());
        holding.put("accession_number", "");
        holding.put("copy_id", "1");
        holding.put("in_temp_location", false);
        valueDesc(holding, "temp_library", null, null);
        valueDesc(holding, "temp_location", null, null);
        valueDesc(holding, "temp_call_number_type", "", null);
        holding.put("temp_call_number", "");
        valueDesc(holding, "temp_policy", "", null);
        holding.put("link", holdingLink);

        ObjectNode data = item.putObject("item_data");
        data.put("pid", ids.itemPid());
        data.put("barcode", barcode);
        data.put("creation_date", "2020-12-03Z");
        data.put("modification_date", "2021-02-17Z");
        valueDesc(data, "base_status", state.baseStatusValue(), state.baseStatusDesc());
        data.put("awaiting_reshelving", false);
        valueDesc(data, "physical_material_type", "BOOK", "Book");
        valueDesc(data, "policy", "Gen", "Gen");
        valueDesc(data, "provenance", "", null);
        data.put("po_line", "");
        data.put("is_magnetic", false);
        data.put("arrival_date", "2011-12-01Z");
        data.put("year_of_issue", "");
        for (char c = 'a'; c <= 'h'; c++) {
            data.put("enumeration_" + c, "");
        }
        for (char c = 'i'; c <= 'm'; c++) {
            data.put("chronology_" + c, "");
        }
        data.put("description", "");
        data.put("receiving_operator", "import");
        valueDesc(data, "process_type", state.processTypeValue(), state.processTypeDesc());
        data.put("inventory_number", "");
        data.put("inventory_price", "");
        valueDesc(data, "library", library, libraryName);
        valueDesc(data, "location", profile.locationCode(), profile.locationName());
        data.put("alternative_call_number", "");
        valueDesc(data, "alternative_call_number_type", "", null);
        data.put("storage_location_id", "");
        data.put("pages", "");
        data.put("pieces", "1");
        data.put("public_note", "");
        data.put("fulfillment_note", "");
        data.put("internal_note_1", "");
        data.put("internal_note_2", "");
        data.put("internal_note_3", "");
        data.put("statistics_note_1", "");
        data.put("statistics_note_2", "");
        data.put("statistics_note_3", "");
        if (profile.holdShelfBound()) {
            data.put("requested", true);
        } else {
            data.putNull("requested");
        }
        data.putNull("edition");
        data.putNull("imprint");
        data.putNull("language");
        valueDesc(data, "physical_condition", null, null);

        if (additionalInfo != null) {
            item.put("additional_info", additionalInfo);
        }
        item.put("link", holdingLink + "/items/" + ids.itemPid());
        return item;
    }

    /**
     * The scan-in answer's {@code additional_info}, in Alma's format
     * {@code Item's destination is: {dest}. Request/Process Type: {type}. Requester: {name}. Requester ID: {id}. Place in Queue: {n}}.
     * An item arriving for a request names the requester [CODE] (krima templates); an item arriving
     * without one is reshelved [CODE] (bibdata). A rescan of an item that already arrived names its
     * place without a request [INF]: the scan routes nothing any more.
     */
    static String additionalInfo(ItemProfile profile, AlmaCatalogue.ScanTransition transition) {
        boolean arrivedNow = transition.before() == ItemState.IN_TRANSIT;
        if (transition.after() == ItemState.ON_HOLD_SHELF && arrivedNow) {
            return destination("On Hold Shelf", "Patron physical item request",
                    profile.requesterName(), profile.requesterId(), 1);
        }
        if (transition.after() == ItemState.ON_HOLD_SHELF) {
            return destination("On Hold Shelf", "", "", "", 0);
        }
        return destination("Reshelve to " + profile.locationName(), "", "", "", 0);
    }

    private static String destination(String destination, String type, String requester, String requesterId, int place) {
        return "Item's destination is: " + destination + ". Request/Process Type: " + type + ". Requester: "
                + requester + ". Requester ID: " + requesterId + ". Place in Queue: " + place;
    }

    /** An Item as JSON, or as XML with root element {@code <item>}. */
    byte[] render(ObjectNode item, ResponseFormat format) {
        if (format == ResponseFormat.JSON) {
            return json(item);
        }
        return xml(writer -> element(writer, "item", item));
    }

    /** The error envelope, {@code {"errorsExist":true,"errorList":{"error":[…]},"result":null}} or {@code <web_service_result>}. */
    byte[] renderError(AlmaError error, String trackingId, ResponseFormat format) {
        if (format == ResponseFormat.JSON) {
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("errorsExist", true);
            ObjectNode entry = envelope.putObject("errorList").putArray("error").addObject();
            entry.put("errorCode", error.code());
            entry.put("errorMessage", error.message());
            entry.put("trackingId", trackingId);
            envelope.putNull("result");
            return json(envelope);
        }
        return xml(writer -> {
            writer.writeStartElement("web_service_result");
            writer.writeDefaultNamespace(ERROR_NAMESPACE);
            text(writer, "errorsExist", "true");
            writer.writeStartElement("errorList");
            writer.writeStartElement("error");
            text(writer, "errorCode", error.code());
            text(writer, "errorMessage", error.message());
            text(writer, "trackingId", trackingId);
            writer.writeEndElement();
            writer.writeEndElement();
            writer.writeEndElement();
        });
    }

    private static void valueDesc(ObjectNode parent, String name, String value, String desc) {
        ObjectNode pair = parent.putObject(name);
        pair.put("value", value);
        pair.put("desc", desc);
    }

    private static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an Alma JSON document", e);
        }
    }

    private interface XmlBody {
        void write(XMLStreamWriter writer) throws XMLStreamException;
    }

    private static byte[] xml(XmlBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter writer = XML.createXMLStreamWriter(out, "UTF-8");
            writer.writeStartDocument("UTF-8", "1.0");
            body.write(writer);
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Cannot write an Alma XML document", e);
        }
        return out.toByteArray();
    }

    private static void element(XMLStreamWriter writer, String name, JsonNode node) throws XMLStreamException {
        if (isValueDesc(node)) {
            writer.writeStartElement(name);
            if (!node.get("desc").isNull()) {
                writer.writeAttribute("desc", node.get("desc").asText());
            }
            if (!node.get("value").isNull()) {
                writer.writeCharacters(node.get("value").asText());
            }
            writer.writeEndElement();
        } else if (node.isObject()) {
            writer.writeStartElement(name);
            JsonNode link = node.get("link");
            if (link != null && link.isTextual()) {
                writer.writeAttribute("link", link.asText());
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("link")) {
                    continue;
                }
                if (field.getValue().isArray()) {
                    writer.writeStartElement(field.getKey() + "s");
                    for (JsonNode member : field.getValue()) {
                        element(writer, field.getKey(), member);
                    }
                    writer.writeEndElement();
                } else {
                    element(writer, field.getKey(), field.getValue());
                }
            }
            writer.writeEndElement();
        } else if (node.isNull()) {
            writer.writeEmptyElement(name);
        } else {
            text(writer, name, node.asText());
        }
    }

    private static boolean isValueDesc(JsonNode node) {
        return node.isObject() && node.size() == 2 && node.has("value") && node.has("desc");
    }

    private static void text(XMLStreamWriter writer, String name, String text) throws XMLStreamException {
        writer.writeStartElement(name);
        writer.writeCharacters(text);
        writer.writeEndElement();
    }
}
