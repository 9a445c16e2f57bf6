package org.holdshelf.platform.kafka;

import org.holdshelf.platform.config.HoldshelfConfig;

/**
 * Every topic of the product, the one list of them: the setting that names it, and how it is
 * created when missing (existing topics are never altered). Capabilities say which of these they
 * read or write; only those are created.
 */
public enum Topic {
    /** Ready and in-transit holds, keyed by pickup location, with the run's end markers. */
    ENTRIES("holdshelf.topic.entries", Cleanup.DELETE, false),
    /** Each run's lifecycle, keyed by run id. One partition: a run's records stay in order. */
    RUNS("holdshelf.topic.runs", Cleanup.DELETE, true),
    /** Each fire of the harvest schedule, keyed by its scheduled time (internal). One partition: one owner harvests. */
    HARVEST_SLOTS("holdshelf.topic.harvest-slots", Cleanup.DELETE, true),
    /** Alma scan-in outcomes, keyed by item barcode. */
    SCANIN("holdshelf.topic.scanin", Cleanup.DELETE, false),
    /** Each barcode's scan-in state (internal). */
    SCANIN_STATE("holdshelf.topic.scanin-state", Cleanup.COMPACT, false),
    /** Pickup notices and their outcomes, keyed by patron id: the audit. */
    NOTICES("holdshelf.topic.notices", Cleanup.DELETE, false),
    /** Which holds were announced (internal), keyed by hold id: a hold is removed when it leaves the shelf. */
    NOTICES_STATE("holdshelf.topic.notices-state", Cleanup.COMPACT, false),
    /** Each instance's ticks for releasing waiting notices (internal). One partition: one owner releases. */
    NOTICES_RELEASE("holdshelf.topic.notices-release", Cleanup.DELETE, true),
    /** Phone numbers that opted out of texts (internal), keyed by number in E.164: never texted again. */
    SMS_OPT_OUTS("holdshelf.topic.sms-opt-outs", Cleanup.COMPACT, false),
    /** The Libib patron directory mirror, keyed by barcode: a tombstone when a patron left Libib. */
    PATRONS("holdshelf.topic.patrons", Cleanup.COMPACT, false),
    /** Records nothing could process, with the reason, keyed by their original key. */
    DLQ("holdshelf.topic.dlq", Cleanup.DELETE, false);

    /** How the broker keeps a topic's records. */
    public enum Cleanup {
        /** A history, kept for the cluster's retention. */
        DELETE,
        /** The latest record per key: a state or a directory. */
        COMPACT
    }

    private final String setting;
    private final Cleanup cleanup;
    private final boolean singlePartition;

    Topic(String setting, Cleanup cleanup, boolean singlePartition) {
        this.setting = setting;
        this.cleanup = cleanup;
        this.singlePartition = singlePartition;
    }

    /** The setting that names the topic ({@code holdshelf.topic.*}). */
    public String setting() {
        return setting;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    public boolean singlePartition() {
        return singlePartition;
    }

    /** The topic's name in this configuration. */
    public String name(HoldshelfConfig config) {
        return config.require(setting);
    }
}
