package org.holdshelf.platform.files;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsvWriterTest {

    @Test
    void shouldQuoteOnlyWhatRfc4180RequiresAndEndLinesWithCrlf() throws Exception {
        StringWriter out = new StringWriter();
        new CsvWriter(out).writeRow(Arrays.asList("plain", "a,b", "say \"hi\"", "two\nlines", null, "", "中文图书馆"));

        assertThat(out.toString()).isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,,中文图书馆\r\n");
    }

    @Test
    void shouldNeutraliseCellsASpreadsheetWouldEvaluate() throws Exception {
        StringWriter out = new StringWriter();
        new CsvWriter(out).writeRow(List.of("=HYPERLINK(\"http://x\",\"click\")", "+1 Strategy", "-30- memoir", "@home",
                "\tTabbed", "\rCR", "safe = later", "a-b"));

        assertThat(out.toString()).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",'+1 Strategy,'-30- memoir,'@home,"
                + "'\tTabbed,\"'\rCR\",safe = later,a-b\r\n");
    }

    @Test
    void shouldCountRecordsNotLines() throws Exception {
        StringWriter out = new StringWriter();
        CsvWriter csv = new CsvWriter(out);
        csv.writeRow(List.of("header", "b"));
        csv.writeRow(List.of("a message\r\nwith a line break", "and \"quotes\""));
        csv.writeRow(List.of("plain", "row"));

        assertThat(CsvWriter.countRecords(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(3);
    }
}
