package org.holdshelf.notices;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.holdshelf.events.NoticeEvent;
import org.holdshelf.platform.files.Manifest;
import org.holdshelf.platform.files.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's {@code notices.csv}: one row per notice (sent or not, and why), for staff who answer
 * "I never got a notice". Built like {@code scan-in.csv}: a part per location, written when the
 * location's notices are decided, joined in location order when every location has its part.
 * Addresses are masked; cells go through the CSV writer's spreadsheet-injection rule.
 */
final class NoticesReport {

    private static final Logger LOG = LoggerFactory.getLogger(NoticesReport.class);

    static final String FILE_NAME = "notices.csv";
    static final String REPORT = "notices";
    static final List<String> HEADER = List.of("notice_id", "run_id", "location_code", "patron_id", "holds", "hold_ids",
            "channel", "language", "destination", "outcome", "reason", "server_reply", "message_id", "at");

    private final RunDirectory runs;

    NoticesReport(RunDirectory runs) {
        this.runs = runs;
    }

    /** Records a location's notices and writes the run's report once every location has its part. Idempotent. */
    void completeLocation(String runId, String locationCode, List<NoticeEvent> notices, int locationsInRun) {
        runs.writePart(runId, REPORT, locationCode, rows(runId, locationCode, notices));
        completeRun(runId, locationsInRun);
    }

    /**
     * Rewrites a location's part after its notices changed later (released from waiting, or
     * withdrawn), and the run's report when it was already complete. A run whose folder is gone
     * (removed by retention) is left alone: the audit topic has the records.
     */
    void refreshLocation(String runId, String locationCode, List<NoticeEvent> notices) {
        if (!java.nio.file.Files.isDirectory(runs.of(runId))) {
            return;
        }
        runs.writePart(runId, REPORT, locationCode, rows(runId, locationCode, notices));
        if (complete(runId)) {
            long rows = runs.joinParts(runId, REPORT, FILE_NAME, HEADER);
            runs.addManifestEntry(runId, new Manifest.FileEntry(FILE_NAME, null, null, "notices", rows));
        }
    }

    private static List<List<String>> rows(String runId, String locationCode, List<NoticeEvent> notices) {
        List<NoticeEvent> sorted = new ArrayList<>(notices);
        sorted.sort(Comparator.comparing(NoticeEvent::patronId, Comparator.nullsLast(Comparator.naturalOrder())));
        List<List<String>> rows = new ArrayList<>(sorted.size());
        for (NoticeEvent n : sorted) {
            rows.add(List.of(text(n.noticeId()), runId, locationCode, text(n.patronId()), String.valueOf(n.holdIds().size()),
                    String.join(" ", n.holdIds()), text(n.channel()), text(n.language()), text(n.destination()),
                    text(n.outcome()), text(n.reason()), text(n.serverReply()), text(n.messageId()), text(n.at())));
        }
        return rows;
    }

    /** Writes the run's report once all its {@code locationsInRun} locations have their part (at once when there are none). */
    void completeRun(String runId, int locationsInRun) {
        int parts = runs.partCount(runId, REPORT);
        if (parts < locationsInRun) {
            return;
        }
        long rows = runs.joinParts(runId, REPORT, FILE_NAME, HEADER);
        runs.addManifestEntry(runId, new Manifest.FileEntry(FILE_NAME, null, null, "notices", rows));
        LOG.info("Notices report of run {} complete: {} notices for {} locations in {}", runId, rows, parts,
                runs.of(runId).resolve(FILE_NAME));
    }

    boolean complete(String runId) {
        return runs.exists(runId, FILE_NAME);
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
