package org.holdshelf.events;

/** The {@code type} field and {@code holdshelf-type} header values of every record the pipeline writes. */
public final class EventTypes {

    /** Header carried by every record so consumers can filter without parsing the value. */
    public static final String HEADER = "holdshelf-type";

    public static final String HOLD = "HOLD";
    public static final String LOCATION_END = "LOCATION_END";
    /** After the last location's marker: the run is complete on the topic, even with no location. */
    public static final String RUN_END = "RUN_END";
    public static final String RUN_STARTED = "RUN_STARTED";
    /** While a run goes on, every progress interval: it is alive, and how far it got. */
    public static final String RUN_PROGRESS = "RUN_PROGRESS";
    public static final String RUN_COMPLETED = "RUN_COMPLETED";
    public static final String RUN_FAILED = "RUN_FAILED";
    public static final String DEAD_LETTER = "DEAD_LETTER";
    /** One pickup notice and its outcome on {@code holdshelf.notices}. */
    public static final String NOTICE = "NOTICE";
    /** One Alma scan-in outcome on {@code holdshelf.scanin}. */
    public static final String SCAN_IN = "SCAN_IN";
    /** One patron of the Libib directory mirror on {@code holdshelf.patrons} (a tombstone when they left it). */
    public static final String PATRON = "PATRON";
    /** On {@code holdshelf.patrons} under the key {@code #mirror}: the last read of the whole directory that reached its end. */
    public static final String MIRROR_READ = "MIRROR_READ";

    /** Bumped on any incompatible change of a record's fields; consumers check it. */
    public static final int SCHEMA_VERSION = 1;

    private EventTypes() {
    }
}
