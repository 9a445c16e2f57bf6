package org.holdshelf.directory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.holdshelf.events.DirectoryPatron;

/**
 * One read of the whole Libib directory, page after page: where it is, what it saw, and whether it
 * saw everything. Only a complete read may remove patrons from the mirror: a page skipped, a read
 * stopped half-way or a directory that changed while it was read (Libib pages by position, so a
 * patron removed meanwhile shifts others past the reader) leaves every barcode it did not see in
 * place until a later read is complete. Travels in the exchange (property {@value LibibMirror#RUN}).
 */
public final class MirrorRun {

    private final String id;
    private final Instant started;
    /** The first read into an empty mirror: its patrons are held back until it reached the last page. */
    private final boolean first;
    private final Map<String, DirectoryPatron> heldBack = new LinkedHashMap<>();
    private final long startedNanos = System.nanoTime();
    private final Set<String> seen = new HashSet<>();
    private final List<String> gaps = new ArrayList<>();
    private int page = 1;
    private int attempt = 1;
    private int pages = -1;
    private int firstTotal = -1;
    private int lastTotal = -1;
    private long read;
    private long rejected;
    private long calls;
    private long throttled;
    private int skippedInARow;
    private boolean done;
    private String stoppedBecause;

    MirrorRun(String id, Instant started) {
        this(id, started, false);
    }

    /**
     * @param first no read has gone through the whole directory yet: this read publishes its patrons only once it reached the last
     *              page, so that readers of the mirror (the notices) never see half a directory and
     *              take the other half for patrons Libib does not know
     */
    MirrorRun(String id, Instant started, boolean first) {
        this.id = id;
        this.started = started;
        this.first = first;
    }

    public boolean first() {
        return first;
    }

    /** Patrons of a first read, kept until it reached the last page. */
    Map<String, DirectoryPatron> heldBack() {
        return heldBack;
    }

    /** True when the read went through to its last page (pages may have been skipped), false when it stopped early. */
    public boolean reachedTheEnd() {
        return done && stoppedBecause == null;
    }

    public String id() {
        return id;
    }

    public Instant started() {
        return started;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** The page to ask for next (from 1). */
    public int page() {
        return page;
    }

    /** Attempts of the current page so far, counting the one about to be made (from 1). */
    public int attempt() {
        return attempt;
    }

    /** Libib's page count, or -1 before a page said it. */
    public int pages() {
        return pages;
    }

    public boolean done() {
        return done;
    }

    void called() {
        calls++;
    }

    void answered429() {
        throttled++;
    }

    /** The current page failed and will be asked again. */
    void retry() {
        attempt++;
    }

    /** A page was read: its patrons are mirrored; moves to the next page, or ends the read after the last. */
    void pageRead(LibibPage p) {
        if (firstTotal < 0) {
            firstTotal = p.total();
        }
        if (p.total() >= 0) {
            lastTotal = p.total();
        }
        if (p.pages() >= 0) {
            pages = p.pages();
        }
        p.patrons().forEach(patron -> seen.add(patron.barcode()));
        read += p.patrons().size();
        rejected += p.rejected().size();
        skippedInARow = 0;
        next(p.last());
    }

    /** The current page could not be read: its patrons stay as they were; the read goes on if it knows where it ends. */
    void pageSkipped(String reason, int maxSkippedInARow) {
        gaps.add("page " + page + ": " + reason);
        skippedInARow++;
        if (pages < 0) {
            stop("page " + page + " could not be read and Libib has not said how many pages there are");
        } else if (skippedInARow >= maxSkippedInARow) {
            stop(skippedInARow + " pages in a row could not be read (the last: " + reason + ")");
        } else {
            next(page >= pages);
        }
    }

    /** Ends the read before its last page. */
    void stop(String reason) {
        if (stoppedBecause == null) {
            stoppedBecause = reason;
        }
        done = true;
    }

    private void next(boolean last) {
        page++;
        attempt = 1;
        if (last) {
            done = true;
        }
    }

    /**
     * Why this read may not remove anyone from the mirror, or null when it may: it was complete and
     * saw as many patrons as Libib said it has, and that count did not change while it read.
     */
    public String incompleteBecause() {
        if (stoppedBecause != null) {
            return "the read stopped: " + stoppedBecause;
        }
        if (!done) {
            return "the read did not finish";
        }
        if (!gaps.isEmpty()) {
            return gaps.size() + " page(s) could not be read (" + gaps.get(0) + (gaps.size() > 1 ? ", ..." : "") + ")";
        }
        if (firstTotal != lastTotal) {
            return "Libib's patron count changed from " + firstTotal + " to " + lastTotal + " while it was read";
        }
        if (lastTotal >= 0 && seen.size() + rejected != lastTotal) {
            return "Libib counts " + lastTotal + " patrons but " + (seen.size() + rejected)
                    + " were read (the directory changed while it was read)";
        }
        return null;
    }

    /** Distinct barcodes read. */
    public Set<String> seen() {
        return seen;
    }

    public long read() {
        return read;
    }

    public long rejected() {
        return rejected;
    }

    public long calls() {
        return calls;
    }

    public long throttled() {
        return throttled;
    }

    public List<String> gaps() {
        return gaps;
    }
}
