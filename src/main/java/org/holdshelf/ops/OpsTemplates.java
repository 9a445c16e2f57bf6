package org.holdshelf.ops;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import org.holdshelf.platform.config.ConfigurationException;

/**
 * The operators' pages: files under {@code <holdshelf.ops.templates-dir>/ops/} that operators may
 * edit like the routes ({@code page.mustache}, {@code signin.mustache}), rendered by mustache.java
 * with every value escaped for HTML ({@code {{{...}}}} is used only for the chart, which is built
 * escaped). Read and checked at start-up: a missing or broken template stops the pipeline, naming
 * the file. Templates cannot include other files.
 */
final class OpsTemplates {

    static final List<String> PAGES = List.of("page", "signin");

    private final Map<String, Mustache> compiled = new HashMap<>();

    OpsTemplates(Path templatesDir) {
        DefaultMustacheFactory factory = new DefaultMustacheFactory() {
            @Override
            public Reader getReader(String resourceName) {
                throw new MustacheException("templates cannot include other files: " + resourceName);
            }
        };
        for (String page : PAGES) {
            Path file = templatesDir.resolve("ops").resolve(page + ".mustache");
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException("Operators' page template " + file + " is missing (holdshelf.ops.templates-dir)");
            }
            try {
                Mustache mustache = factory.compile(new StringReader(Files.readString(file, StandardCharsets.UTF_8)),
                        file.toString());
                mustache.execute(new StringWriter(), Map.of()); // a template that compiles can still fail on use
                compiled.put(page, mustache);
            } catch (IOException e) {
                throw new ConfigurationException("Operators' page template " + file + " cannot be read: " + e.getMessage());
            } catch (MustacheException e) {
                throw new ConfigurationException("Operators' page template " + file + " is broken: " + e.getMessage());
            }
        }
    }

    String render(String page, Map<String, Object> model) {
        Mustache mustache = compiled.get(page);
        if (mustache == null) {
            throw new IllegalArgumentException("no template " + page);
        }
        StringWriter out = new StringWriter();
        mustache.execute(out, model);
        return out.toString();
    }
}
