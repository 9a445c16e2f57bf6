package org.holdshelf.ops;

import java.util.List;
import java.util.regex.Pattern;

import org.holdshelf.events.RunEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart of recent runs: one bar per run, oldest first, height by duration, colour by outcome, text escaped. */
class RunChartTest {

    @Test
    void shouldSayThereIsNothingToDrawYet() {
        assertThat(RunChart.svg(List.of())).startsWith("<svg").endsWith("</svg>").contains("No run has ended yet");
    }

    @Test
    void shouldDrawOneBarPerRunOldestFirst() {
        String svg = RunChart.svg(List.of(run("r3", "RUN_COMPLETED", 30_000L), run("r2", "RUN_FAILED", 60_000L),
                run("r1", "RUN_COMPLETED", 15_000L)));
        assertThat(Pattern.compile("<rect ").matcher(svg).results().count()).isEqualTo(3);
        assertThat(svg.indexOf("r1: completed")).isLessThan(svg.indexOf("r2: FAILED")).isLessThan(svg.indexOf("r3: completed"));
        assertThat(svg).contains("class=\"failed\"").contains("#c62828").contains("1m");
        // the longest run fills the plot height (160 - 14 - 18), the one a quarter as long a quarter of it
        assertThat(svg).contains("height=\"128.0\"").contains("height=\"32.0\"");
    }

    @Test
    void shouldEscapeWhatItWrites() {
        String svg = RunChart.svg(List.of(run("<script>&\"", "RUN_COMPLETED", 1000L)));
        assertThat(svg).doesNotContain("<script>").contains("&lt;script&gt;&amp;&quot;");
    }

    private static RunEvent run(String id, String type, long ms) {
        return new RunEvent(type, 1, id, "schedule", "i", "2026-11-23T08:00:00Z", "2026-11-23T08:01:00Z",
                "2026-11-23T08:01:00Z", ms, 3, 6000L, 600L, null, null, null, null, null, null);
    }
}
