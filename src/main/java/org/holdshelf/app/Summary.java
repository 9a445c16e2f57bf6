package org.holdshelf.app;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.holdshelf.events.RunEvent;
import org.holdshelf.platform.config.Durations;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.kafka.Topic;

/** The one-screen summaries {@code --once} prints. */
final class Summary {

    private Summary() {
    }

    static String failed(RunEvent outcome) {
        return String.format(Locale.ROOT, "%nHoldshelf run %s FAILED after %s: %s%n  Sierra: %d pages, %,d holds scanned; "
                        + "nothing from this run is marked complete.%n",
                outcome.runId(), Durations.human(Duration.ofMillis(outcome.durationMs() == null ? 0 : outcome.durationMs())),
                outcome.reason(), outcome.pages() == null ? 0 : outcome.pages(),
                outcome.holdsScanned() == null ? 0 : outcome.holdsScanned());
    }

    static String completed(RunEvent outcome, Map<String, Optional<String>> followUps, HoldshelfConfig config) {
        StringBuilder s = new StringBuilder();
        long harvestMs = outcome.durationMs();
        double rate = harvestMs > 0 ? outcome.holdsScanned() * 1000.0 / harvestMs : 0;
        long ready = 0;
        long inTransit = 0;
        for (RunEvent.LocationCount c : outcome.locations().values()) {
            ready += c.ready();
            inTransit += c.inTransit();
        }
        boolean complete = followUps.values().stream().allMatch(Optional::isPresent);
        s.append(String.format(Locale.ROOT, "%nHoldshelf run %s %s%n", outcome.runId(), complete ? "COMPLETED" : "INCOMPLETE"));
        s.append(String.format(Locale.ROOT, "  Sierra harvest : %d pages, %,d holds scanned in %s (%,.0f holds/s)%n",
                outcome.pages(), outcome.holdsScanned(), Durations.human(Duration.ofMillis(harvestMs)), rate));
        s.append(String.format(Locale.ROOT, "  Published      : %,d events on %s (%,d ready, %,d in transit), %d duplicates dropped, %d rejected to %s%n",
                outcome.events(), Topic.ENTRIES.name(config), ready, inTransit, outcome.duplicatesDropped(), outcome.rejected(),
                Topic.DLQ.name(config)));
        s.append(String.format(Locale.ROOT, "  Locations      : %d%n", outcome.locations().size()));
        s.append(String.format(Locale.ROOT, "    %-8s %-34s %8s %10s%n", "code", "name", "ready", "in transit"));
        for (Map.Entry<String, RunEvent.LocationCount> e : outcome.locations().entrySet()) {
            s.append(String.format(Locale.ROOT, "    %-8s %-34s %,8d %,10d%n", e.getKey(), clip(e.getValue().name(), 34),
                    e.getValue().ready(), e.getValue().inTransit()));
        }
        followUps.forEach((name, line) -> s.append(String.format(Locale.ROOT, "  %-15s: %s%n", label(name),
                line.orElse("NOT COMPLETE within holdshelf.once.timeout (see the log)"))));
        return s.toString();
    }

    /** A capability's name as the summary shows it. */
    private static String label(String name) {
        return switch (name) {
            case "pull-lists" -> "Pull lists";
            case "scan-in" -> "Alma scan-in";
            case "notices" -> "Notices";
            default -> Character.toUpperCase(name.charAt(0)) + name.substring(1).replace('-', ' ');
        };
    }

    private static String clip(String text, int width) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 1) + "…";
    }
}
