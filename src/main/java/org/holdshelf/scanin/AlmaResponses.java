package org.holdshelf.scanin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads Alma's answers: the error envelope (JSON, the JSON-wrapped {@code web_service_result}, or
 * XML, which Alma sends for some errors even when JSON was asked for), the item ids from a
 * redirect's {@code Location} or an Item body, and an item's status.
 */
final class AlmaResponses {

    /** Thrown when an answer is not what the endpoint documents. */
    static final class MalformedAnswerException extends Exception {
        MalformedAnswerException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ITEM_PATH = Pattern.compile("/bibs/([^/?#]+)/holdings/([^/?#]+)/items/([^/?#]+)/?$");
    private static final DocumentBuilderFactory XML = secureXmlFactory();

    private AlmaResponses() {
    }

    /** The first error of the envelope, if the body is one. */
    static Optional<AlmaError> error(byte[] body) {
        int first = firstNonBlank(body);
        if (first < 0) {
            return Optional.empty();
        }
        if (body[first] == '{') {
            return jsonError(body);
        }
        if (body[first] == '<') {
            return xmlError(body);
        }
        return Optional.empty();
    }

    private static Optional<AlmaError> jsonError(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (root.has("web_service_result")) {
            root = root.get("web_service_result");
        }
        JsonNode errors = root.path("errorList").path("error");
        JsonNode first = errors.isArray() ? errors.path(0) : errors;
        if (!first.isObject() || !first.hasNonNull("errorCode")) {
            return Optional.empty();
        }
        return Optional.of(new AlmaError(first.get("errorCode").asText(), text(first, "errorMessage"), text(first, "trackingId")));
    }

    private static Optional<AlmaError> xmlError(byte[] body) {
        Document document;
        try {
            DocumentBuilder builder = XML.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // quiet: a malformed page is reported by the caller
            document = builder.parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return Optional.empty();
        }
        NodeList errors = document.getElementsByTagNameNS("*", "error");
        if (errors.getLength() == 0) {
            return Optional.empty();
        }
        Element first = (Element) errors.item(0);
        String code = childText(first, "errorCode");
        if (code == null) {
            return Optional.empty();
        }
        return Optional.of(new AlmaError(code, childText(first, "errorMessage"), childText(first, "trackingId")));
    }

    /** The ids in a redirect target such as {@code https://host/almaws/v1/bibs/99…/holdings/22…/items/23…?apikey=…}. */
    static ItemIds idsFromLocation(URI location) throws MalformedAnswerException {
        String path = location.getRawPath();
        Matcher m = path == null ? null : ITEM_PATH.matcher(path);
        if (m == null || !m.find()) {
            throw new MalformedAnswerException("the redirect does not lead to an item (/bibs/{mms_id}/holdings/{holding_id}/items/{pid}): "
                    + (path == null ? location : path));
        }
        return new ItemIds(decode(m.group(1)), decode(m.group(2)), decode(m.group(3)));
    }

    /** The ids in an Item object: {@code bib_data.mms_id}, {@code holding_data.holding_id}, {@code item_data.pid}. */
    static ItemIds idsFromItem(JsonNode item) throws MalformedAnswerException {
        String mmsId = text(item.path("bib_data"), "mms_id");
        String holdingId = text(item.path("holding_data"), "holding_id");
        String pid = text(item.path("item_data"), "pid");
        if (isBlank(mmsId) || isBlank(holdingId) || isBlank(pid)) {
            throw new MalformedAnswerException("the Item lacks bib_data.mms_id, holding_data.holding_id or item_data.pid");
        }
        return new ItemIds(mmsId, holdingId, pid);
    }

    static ItemStatus status(JsonNode item) throws MalformedAnswerException {
        JsonNode data = item.path("item_data");
        if (!data.isObject()) {
            throw new MalformedAnswerException("the Item has no item_data");
        }
        return new ItemStatus(text(data, "barcode"), text(data.path("base_status"), "value"),
                nullToEmpty(text(data.path("process_type"), "value")));
    }

    static JsonNode json(byte[] body) throws MalformedAnswerException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new MalformedAnswerException("the body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedAnswerException("the body is not JSON (" + describe(body) + ")");
        }
    }

    /** A short, single-line description of a body for error messages: never the whole page. */
    static String describe(byte[] body) {
        int first = firstNonBlank(body);
        if (first < 0) {
            return "an empty body";
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("<!doctype html") || lower.startsWith("<html")) {
            return "an HTML page of " + body.length + " bytes";
        }
        String line = text.replaceAll("\\s+", " ");
        return "'" + (line.length() > 120 ? line.substring(0, 120) + "..." : line) + "'";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String childText(Element parent, String name) {
        NodeList children = parent.getElementsByTagNameNS("*", name);
        return children.getLength() == 0 ? null : children.item(0).getTextContent().strip();
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static int firstNonBlank(byte[] body) {
        boolean byteOrderMark = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF;
        for (int i = byteOrderMark ? 3 : 0; i < body.length; i++) {
            if (!Character.isWhitespace(body[i])) {
                return i;
            }
        }
        return -1;
    }

    /** No DTDs, no external entities: an error page is data, never a way to read our files (XXE). */
    private static DocumentBuilderFactory secureXmlFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setExpandEntityReferences(false);
        factory.setXIncludeAware(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The XML parser cannot be configured securely", e);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }
}
