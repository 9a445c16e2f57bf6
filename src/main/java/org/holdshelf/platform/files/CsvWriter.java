package org.holdshelf.platform.files;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes RFC 4180 CSV: CRLF line ends, fields quoted when they contain a comma, a double quote,
 * CR or LF, and embedded quotes doubled. Every cell also goes through {@link #neutralise} so a
 * spreadsheet never takes a cell for a formula (OWASP "CSV injection").
 */
public final class CsvWriter {

    private final Writer out;

    public CsvWriter(Writer out) {
        this.out = out;
    }

    public void writeRow(List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            writeCell(cells.get(i));
        }
        out.write("\r\n");
    }

    private void writeCell(String raw) throws IOException {
        if (raw == null || raw.isEmpty()) {
            return;
        }
        String cell = neutralise(raw);
        if (needsQuotes(cell)) {
            out.write('"');
            out.write(cell.replace("\"", "\"\""));
            out.write('"');
        } else {
            out.write(cell);
        }
    }

    /**
     * A cell starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return is
     * what spreadsheets evaluate as a formula (or use to smuggle one); it is prefixed with a single
     * quote, which makes Excel, LibreOffice and Google Sheets show it as text. Other cells are
     * unchanged.
     */
    public static String neutralise(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        return switch (first) {
            case '=', '+', '-', '@', '\t', '\r' -> "'" + cell;
            default -> cell;
        };
    }

    private static boolean needsQuotes(String cell) {
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    /** The number of records in CSV this class wrote: CRLF line ends outside quoted cells. */
    public static long countRecords(byte[] csv) {
        long records = 0;
        boolean quoted = false;
        for (int i = 0; i < csv.length; i++) {
            byte b = csv[i];
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted && b == '\r' && i + 1 < csv.length && csv[i + 1] == '\n') {
                records++;
                i++;
            }
        }
        return records;
    }
}
