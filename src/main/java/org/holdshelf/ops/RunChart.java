package org.holdshelf.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.holdshelf.events.EventTypes;
import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;

/**
 * A small bar chart of recent runs as inline SVG, drawn on the server (no script): one bar per
 * run, oldest on the left, its height the run's duration, green for completed and red for failed,
 * with the run's id, outcome, duration and holds as its tooltip. Every text is XML-escaped.
 */
final class RunChart {

    static final int WIDTH = 600;
    static final int HEIGHT = 160;
    private static final int AXIS = 40;
    private static final int TOP = 14;
    private static final int BOTTOM = 18;

    private RunChart() {
    }

    /** The chart of {@code runs} (newest first, as the ledger keeps them); a short note when there are none. */
    static String svg(List<RunEvent> runs) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"Duration of the last ").append(runs.size())
                .append(" runs\">");
        if (runs.isEmpty()) {
            svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\">No run has ended yet</text></svg>");
            return svg.toString();
        }
        List<RunEvent> oldestFirst = new ArrayList<>(runs);
        java.util.Collections.reverse(oldestFirst);
        long maxMs = Math.max(1000, oldestFirst.stream().mapToLong(r -> r.durationMs() == null ? 0 : r.durationMs()).max()
                .orElse(1000));
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = (WIDTH - AXIS) / (double) oldestFirst.size();
        double barWidth = Math.max(2, Math.min(40, slot * 0.7));
        svg.append("<line x1=\"").append(AXIS).append("\" y1=\"").append(HEIGHT - BOTTOM).append("\" x2=\"").append(WIDTH)
                .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#888\"/>");
        svg.append("<text x=\"").append(AXIS - 4).append("\" y=\"").append(TOP + 4).append("\" text-anchor=\"end\" font-size=\"10\">")
                .append(escape(Durations.human(Duration.ofMillis(maxMs)))).append("</text>");
        svg.append("<text x=\"").append(AXIS - 4).append("\" y=\"").append(HEIGHT - BOTTOM)
                .append("\" text-anchor=\"end\" font-size=\"10\">0</text>");
        for (int i = 0; i < oldestFirst.size(); i++) {
            RunEvent run = oldestFirst.get(i);
            long ms = run.durationMs() == null ? 0 : run.durationMs();
            double h = Math.max(1, plotHeight * (double) ms / maxMs);
            double x = AXIS + i * slot + (slot - barWidth) / 2;
            boolean completed = EventTypes.RUN_COMPLETED.equals(run.type());
            svg.append("<rect class=\"").append(completed ? "ok" : "failed").append("\" x=\"").append(f(x)).append("\" y=\"")
                    .append(f(HEIGHT - BOTTOM - h)).append("\" width=\"").append(f(barWidth)).append("\" height=\"").append(f(h))
                    .append("\" fill=\"").append(completed ? "#2e7d32" : "#c62828").append("\"><title>")
                    .append(escape(run.runId() + ": " + (completed ? "completed" : "FAILED") + " in "
                            + Durations.human(Duration.ofMillis(ms))
                            + (run.holdsScanned() == null ? "" : String.format(Locale.ROOT, ", %,d holds", run.holdsScanned()))))
                    .append("</title></rect>");
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** XML text and attribute escaping. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
