package org.holdshelf.notices;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import org.holdshelf.platform.config.ConfigurationException;

/**
 * The notice templates: files under {@code holdshelf.notices.templates-dir} that operators edit
 * like the routes, {@code email/<language>/subject.mustache}, {@code text.mustache} and
 * {@code html.mustache}, rendered by mustache.java. The HTML body escapes every value for HTML (a
 * title like {@code <script>} shows as text); the subject and the text body are plain text, and
 * a subject never spans lines (no header can be smuggled in). All templates of every language a
 * notice may use are read and compiled at start-up: a missing or broken one stops the pipeline,
 * naming the file.
 *
 * <p>What a template can use: {@code firstName}, {@code fullName}, {@code library},
 * {@code locationName}, {@code count}, {@code several} (more than one hold), {@code holds} (each with
 * {@code title}, {@code hasTitle}, {@code pickupBy} in the library's zone and the notice's language),
 * {@code earliestPickupBy}, {@code noticeId}.
 */
final class NoticeTemplates {

    static final List<String> EMAIL_PARTS = List.of("subject", "text", "html");
    /** The reminder's email parts: {@code reminder-subject.mustache} and so on. */
    static final String REMINDER = "reminder";
    /** A text's templates: {@code sms/<language>/ready.mustache} and {@code reminder.mustache}. */
    static final List<String> SMS_PARTS = List.of("ready", REMINDER);
    /** Segments a text may take (api-facts 7.3: keep texts short). */
    static final int SMS_SEGMENTS = 2;

    /** A rendered email. */
    record Email(String subject, String text, String html) {
    }

    private final Map<String, Mustache> compiled = new HashMap<>();
    private final ZoneId zone;
    private final String library;

    NoticeTemplates(Path dir, Iterable<String> languages, ZoneId zone, String library) {
        this(dir, languages, zone, library, true, false, false);
    }

    /** Reads the templates of the channels in use and, when reminders are on, the reminders'. */
    NoticeTemplates(Path dir, Iterable<String> languages, ZoneId zone, String library, boolean email, boolean sms,
                    boolean reminders) {
        this.zone = zone;
        this.library = library;
        for (String language : languages) {
            if (email) {
                for (String part : EMAIL_PARTS) {
                    for (String name : reminders ? List.of(part, REMINDER + "-" + part) : List.of(part)) {
                        Path file = dir.resolve("email").resolve(language).resolve(name + ".mustache");
                        compiled.put(key("email", language, name), compile(file, !part.equals("html")));
                    }
                }
            }
            if (sms) {
                for (String part : reminders ? SMS_PARTS : SMS_PARTS.subList(0, 1)) {
                    Path file = dir.resolve("sms").resolve(language).resolve(part + ".mustache");
                    Mustache mustache = compile(file, true);
                    StringWriter sample = new StringWriter();
                    mustache.execute(sample, sampleModel());
                    int segments = SmsSegments.count(sample.toString().strip()).segments();
                    if (segments > SMS_SEGMENTS) {
                        throw new ConfigurationException("Notice template " + file + " renders a sample notice in " + segments
                                + " SMS segments; texts may take at most " + SMS_SEGMENTS + " (160 GSM-7 characters, 153 a "
                                + "segment when split; one character outside GSM-7 makes it 70/67)");
                    }
                    compiled.put(key("sms", language, part), mustache);
                }
            }
        }
    }

    private static Mustache compile(Path file, boolean plainText) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("Notice template " + file + " is missing (holdshelf.notices.templates-dir, "
                    + "holdshelf.notices.languages and holdshelf.notices.default-language say it is needed)");
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Mustache mustache = factory(plainText).compile(new StringReader(text), file.toString());
            mustache.execute(new StringWriter(), sampleModel()); // a template that compiles can still fail on use
            return mustache;
        } catch (IOException e) {
            throw new ConfigurationException("Notice template " + file + " cannot be read: " + e.getMessage());
        } catch (MustacheException e) {
            throw new ConfigurationException("Notice template " + file + " is broken: " + e.getMessage());
        }
    }

    private static DefaultMustacheFactory factory(boolean plainText) {
        return plainText ? new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value);
                } catch (IOException e) {
                    throw new MustacheException("cannot write", e);
                }
            }

            @Override
            public Reader getReader(String resourceName) {
                throw new MustacheException("templates cannot include other files: " + resourceName);
            }
        } : new DefaultMustacheFactory() {
            @Override
            public Reader getReader(String resourceName) {
                throw new MustacheException("templates cannot include other files: " + resourceName);
            }
        };
    }

    /** The email of a notice, in its language. */
    Email email(String language, Map<String, Object> model) {
        return email(language, model, false);
    }

    /** The email of a notice or of a reminder, in its language. */
    Email email(String language, Map<String, Object> model, boolean reminder) {
        String prefix = reminder ? REMINDER + "-" : "";
        String subject = render("email", language, prefix + "subject", model).replaceAll("[\\r\\n]+", " ").trim();
        return new Email(subject, render("email", language, prefix + "text", model), render("email", language, prefix + "html", model));
    }

    /**
     * The text of a notice or a reminder, in its language, on one line per line of the template
     * and within {@link #SMS_SEGMENTS} segments: a text that would take more (a long location name)
     * is cut on a word and ends in {@code ...}.
     */
    String sms(String language, Map<String, Object> model, boolean reminder) {
        String text = render("sms", language, reminder ? REMINDER : "ready", model).strip().replaceAll("[ \\t]*\\r?\\n[ \\t]*", "\n");
        return SmsSegments.fit(text, SMS_SEGMENTS);
    }

    private String render(String channel, String language, String part, Map<String, Object> model) {
        Mustache mustache = compiled.get(key(channel, language, part));
        if (mustache == null) {
            throw new IllegalArgumentException("no " + part + " template for language " + language);
        }
        StringWriter out = new StringWriter();
        mustache.execute(out, model);
        return out.toString();
    }

    /** What a template sees for one notice. */
    Map<String, Object> model(String language, String fullName, String locationName, List<HoldLine> holds, String noticeId) {
        DateTimeFormatter date = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(language));
        List<Map<String, Object>> lines = holds.stream().map(h -> {
            Map<String, Object> line = new HashMap<>();
            line.put("title", h.title() == null ? "" : h.title());
            line.put("hasTitle", h.title() != null && !h.title().isBlank());
            line.put("pickupBy", h.pickupByDate() == null ? "" : date.format(Instant.parse(h.pickupByDate()).atZone(zone)));
            return line;
        }).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("firstName", firstName(fullName));
        model.put("fullName", fullName == null ? "" : fullName);
        model.put("library", library);
        model.put("locationName", locationName == null ? "" : locationName);
        model.put("count", holds.size());
        model.put("several", holds.size() > 1);
        model.put("holds", lines);
        model.put("earliestPickupBy", holds.stream().map(HoldLine::pickupByDate).filter(java.util.Objects::nonNull).min(String::compareTo)
                .map(d -> date.format(Instant.parse(d).atZone(zone))).orElse(""));
        model.put("noticeId", noticeId);
        return model;
    }

    /** One hold as a notice lists it. */
    record HoldLine(String title, String pickupByDate) {
    }

    /** Sierra stores {@code "Last, First M"}: the first word after the comma, or the first word. */
    static String firstName(String fullName) {
        if (fullName == null || fullName.isBlank()) {
            return "";
        }
        int comma = fullName.indexOf(',');
        String rest = (comma >= 0 ? fullName.substring(comma + 1) : fullName).trim();
        if (rest.isEmpty()) {
            rest = fullName.substring(0, comma).trim();
        }
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private static Map<String, Object> sampleModel() {
        Map<String, Object> model = new HashMap<>();
        model.put("firstName", "Ada");
        model.put("fullName", "Okafor, Ada");
        model.put("library", "Library");
        model.put("locationName", "Main Library");
        model.put("count", 1);
        model.put("several", false);
        model.put("holds", List.of(Map.of("title", "A title", "hasTitle", true, "pickupBy", "1 January 2030")));
        model.put("earliestPickupBy", "1 January 2030");
        model.put("noticeId", "sample");
        return model;
    }

    private static String key(String channel, String language, String part) {
        return channel + "/" + language + "/" + part;
    }
}
