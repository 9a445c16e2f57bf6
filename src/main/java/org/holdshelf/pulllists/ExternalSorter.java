package org.holdshelf.pulllists;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Sorts pull-list rows with at most {@code chunkRows} rows in memory: full chunks are sorted and
 * spilled to temporary files, then merged. A location with a handful of holds never touches the
 * disk; one with a million needs {@code chunkRows} rows of heap, not a million.
 */
public final class ExternalSorter implements AutoCloseable {

    private final int chunkRows;
    private final Path spillDir;
    private final List<PullListRow> chunk = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private final List<DataInputStream> open = new ArrayList<>();
    private long count;

    public ExternalSorter(int chunkRows, Path spillDir) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1");
        }
        this.chunkRows = chunkRows;
        this.spillDir = spillDir;
    }

    public void add(PullListRow row) {
        chunk.add(row);
        count++;
        if (chunk.size() >= chunkRows) {
            spill();
        }
    }

    public long count() {
        return count;
    }

    /** Files spilled so far (for tests and logs). */
    public int spilledRuns() {
        return runs.size();
    }

    /** The rows in {@link PullListRow#ORDER}. Call once, after the last {@link #add}. */
    public Iterator<PullListRow> sorted() {
        chunk.sort(PullListRow.ORDER);
        if (runs.isEmpty()) {
            return chunk.iterator();
        }
        List<Iterator<PullListRow>> sources = new ArrayList<>();
        sources.add(chunk.iterator());
        for (Path run : runs) {
            sources.add(readRun(run));
        }
        return merge(sources);
    }

    private void spill() {
        chunk.sort(PullListRow.ORDER);
        try {
            Files.createDirectories(spillDir);
            Path run = Files.createTempFile(spillDir, "sort-", ".run");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (PullListRow row : chunk) {
                    row.writeTo(out);
                }
            }
            runs.add(run);
            chunk.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot spill sorted rows to " + spillDir, e);
        }
    }

    private Iterator<PullListRow> readRun(Path run) {
        DataInputStream in;
        try {
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read sort run " + run, e);
        }
        open.add(in);
        return new Iterator<>() {
            private PullListRow next = read();

            private PullListRow read() {
                try {
                    return PullListRow.readFrom(in);
                } catch (EOFException e) {
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read sort run " + run, e);
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public PullListRow next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                PullListRow row = next;
                next = read();
                return row;
            }
        };
    }

    private static Iterator<PullListRow> merge(List<Iterator<PullListRow>> sources) {
        record Head(PullListRow row, Iterator<PullListRow> source) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> PullListRow.ORDER.compare(a.row(), b.row()));
        for (Iterator<PullListRow> source : sources) {
            if (source.hasNext()) {
                heads.add(new Head(source.next(), source));
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public PullListRow next() {
                Head head = heads.poll();
                if (head == null) {
                    throw new NoSuchElementException();
                }
                if (head.source().hasNext()) {
                    heads.add(new Head(head.source().next(), head.source()));
                }
                return head.row();
            }
        };
    }

    @Override
    public void close() {
        for (DataInputStream in : open) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a read-only temp file; it is deleted next
            }
        }
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException ignored) {
                // a leftover temp file in the spill directory is harmless
            }
        }
        runs.clear();
        chunk.clear();
    }
}
