package org.holdshelf.ops;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.files.RunDirectory;

/**
 * The run files the operators' page links to and serves under {@code /files/<run date>/<run id>/<file>}:
 * a run's CSV files and its manifest, nothing else of the reports directory (no hidden parts, no
 * lock files, no sandbox mail). A request names a file only in that shape; anything else is
 * refused before the file system is asked:
 * <ul>
 *   <li>no {@code ..}, backslash, NUL, nor encoded dot, slash or backslash ({@code %2e}, {@code %2f},
 *       {@code %5c}) anywhere in the raw path; decoded once, each part must match its pattern
 *       (a date, a run id, a file name of letters, digits, {@code _ % . -} ending {@code .csv} or
 *       {@code .json}, not starting with a dot);</li>
 *   <li>resolved against the reports directory's real path and normalised, it must stay inside;</li>
 *   <li>and so must the file's real path (a symbolic link out of the directory is refused), which
 *       must be a regular file.</li>
 * </ul>
 */
final class ReportFiles {

    static final String PREFIX = "/files/";
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern RUN_ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{4}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_%][A-Za-z0-9_%.\\-]{0,200}\\.(csv|json)");
    private static final Pattern FORBIDDEN_RAW = Pattern.compile("(?i).*(\\.\\.|\\\\|%2e|%2f|%5c|%00|\\x00).*");
    /** A raw request path that tries to climb out of where it points (dot segments, encoded or not, backslashes). */
    private static final Pattern CLIMBING = Pattern.compile("(?i).*(/\\.\\.?(/|$)|%2e|%5c|\\\\|%00|\\x00).*");

    /** A path that names no file the page serves; the message says why, for a 400. */
    static final class RefusedPath extends Exception {
        RefusedPath(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Whether a raw request path (as sent, before any normalisation) tries to climb: dot segments,
     * encoded dots or backslashes, backslashes, NUL. The server refuses those on any path with a 400,
     * whatever a route would make of them.
     */
    static boolean climbs(String rawPath) {
        return rawPath != null && CLIMBING.matcher(rawPath).matches();
    }

    /** One file of a run as the page lists it. */
    record Link(String label, String kind, long rows, String href) {
    }

    private final RunDirectory runs;

    ReportFiles(RunDirectory runs) {
        this.runs = runs;
    }

    /**
     * The file that the request URI (raw, as the client sent it, query included) names, or empty if
     * it names a well-formed path where no file is.
     *
     * @throws RefusedPath if the path is not of the one shape served, or leads outside the reports directory
     */
    Optional<Path> resolve(String rawUri) throws RefusedPath {
        String raw = rawUri == null ? "" : rawUri;
        int query = raw.indexOf('?');
        if (query >= 0) {
            raw = raw.substring(0, query);
        }
        if (!raw.startsWith(PREFIX)) {
            throw new RefusedPath("files are served under " + PREFIX + " only");
        }
        raw = raw.substring(PREFIX.length());
        if (FORBIDDEN_RAW.matcher(raw).matches()) {
            throw new RefusedPath("a file path may not contain '..', backslashes, NUL or encoded dots, slashes or backslashes");
        }
        String decoded;
        try {
            decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RefusedPath("the file path is not properly encoded");
        }
        String[] parts = decoded.split("/", -1);
        if (parts.length != 3 || !DATE.matcher(parts[0]).matches() || !RUN_ID.matcher(parts[1]).matches()
                || !FILE.matcher(parts[2]).matches()) {
            throw new RefusedPath("a file path is <run date>/<run id>/<file>.csv or .json, e.g. "
                    + "2026-11-23/20261123T081500Z-3fa9/MAIN.csv");
        }
        Path root;
        try {
            root = runs.reportsDir().toRealPath();
        } catch (IOException e) {
            return Optional.empty(); // no reports yet
        }
        Path candidate = root.resolve(parts[0]).resolve(parts[1]).resolve(parts[2]).normalize();
        if (!candidate.startsWith(root)) {
            throw new RefusedPath("the file path leads outside the reports directory");
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            return Optional.empty(); // a dangling link
        }
        if (!real.startsWith(root)) {
            throw new RefusedPath("the file is a link to outside the reports directory");
        }
        return Files.isRegularFile(real) ? Optional.of(real) : Optional.empty();
    }

    /** The latest complete run ({@code <run date>/<run id>}), if any. */
    Optional<String> latestRun() {
        return runs.latest();
    }

    /** The files of the latest complete run, from its manifest, pull lists first, as links the page shows. */
    List<Link> latest() {
        Optional<String> latest = runs.latest();
        if (latest.isEmpty()) {
            return List.of();
        }
        String[] dateAndRun = latest.get().split("/");
        if (dateAndRun.length != 2) {
            return List.of();
        }
        Optional<Manifest> manifest = runs.manifest(dateAndRun[1]);
        if (manifest.isEmpty()) {
            return List.of();
        }
        List<Link> links = new ArrayList<>();
        for (Manifest.FileEntry f : manifest.get().files()) {
            String label = f.locationName() != null ? f.locationName() + (f.kind().equals("incoming") ? " (in transit)" : "")
                    : f.file();
            links.add(new Link(label, f.kind(), f.rows(), href(latest.get(), f.file())));
        }
        links.sort((a, b) -> Integer.compare(order(a.kind()), order(b.kind())));
        links.add(new Link("manifest.json", "manifest", 0, href(latest.get(), RunDirectory.MANIFEST)));
        return links;
    }

    private static int order(String kind) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "ready" -> 0;
            case "incoming" -> 1;
            default -> 2;
        };
    }

    /** The link to a run file: each part encoded, so a {@code %} in a file name survives. */
    static String href(String dateAndRun, String file) {
        return PREFIX + dateAndRun + "/" + URLEncoder.encode(file, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
