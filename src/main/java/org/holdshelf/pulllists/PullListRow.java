package org.holdshelf.pulllists;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.holdshelf.events.HoldEvent;

/**
 * One line of a pull list, with what it is sorted by. The order is the seed report's: patron
 * record number (compared as text, as the seed script did), then pickup-by date newest first,
 * then the order Sierra listed the holds in (the Kafka offset), so equal rows keep their order
 * exactly as the seed's stable sort kept them.
 */
public record PullListRow(long offset, String patronId, String pickupByDate, String[] cells) {

    /** The seed report's columns first, under the seed's names, then the added ones. */
    public static List<String> header(ZoneId zone) {
        return List.of("hold_id", "pickupLocation", "patron_record_num", "pickupByDate (" + zone.getId() + ")",
                "item_record_num", "location_code", "record_type", "item_barcode", "title", "status_code", "placed");
    }

    public static final Comparator<PullListRow> ORDER = Comparator
            .comparing(PullListRow::patronId, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(PullListRow::pickupByDate, Comparator.nullsLast(Comparator.<String>reverseOrder()))
            .thenComparingLong(PullListRow::offset);

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    public static PullListRow of(long offset, HoldEvent e, ZoneId zone) {
        String[] cells = {
            e.holdId(),
            e.pickupLocationName(),
            e.patronId(),
            e.pickupByDate() == null ? null : LOCAL.format(Instant.parse(e.pickupByDate()).atZone(zone)),
            e.recordId(),
            e.pickupLocationCode(),
            e.recordType(),
            e.itemBarcode(),
            e.title(),
            e.statusCode(),
            e.placed()
        };
        return new PullListRow(offset, e.patronId(), e.pickupByDate(), cells);
    }

    public List<String> cellList() {
        return Arrays.asList(cells);
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(offset);
        writeString(out, patronId);
        writeString(out, pickupByDate);
        out.writeShort(cells.length);
        for (String cell : cells) {
            writeString(out, cell);
        }
    }

    static PullListRow readFrom(DataInput in) throws IOException {
        long offset = in.readLong();
        String patron = readString(in);
        String pickupBy = readString(in);
        String[] cells = new String[in.readShort()];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = readString(in);
        }
        return new PullListRow(offset, patron, pickupBy, cells);
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PullListRow r && r.offset == offset && Arrays.equals(r.cells, cells);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(cells);
    }

    @Override
    public String toString() {
        return "PullListRow" + Arrays.toString(cells) + "@" + offset;
    }
}
