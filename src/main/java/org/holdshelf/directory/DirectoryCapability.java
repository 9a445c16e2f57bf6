package org.holdshelf.directory;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Gauge;
import org.holdshelf.events.DirectoryPatron;
import org.holdshelf.platform.config.HoldshelfConfig;
import org.holdshelf.platform.http.CallPacer;
import org.holdshelf.platform.kafka.CompactedTopicStore;
import org.holdshelf.platform.kafka.RecordPublisher;
import org.holdshelf.platform.kafka.Topic;
import org.holdshelf.platform.runtime.Capability;
import org.holdshelf.platform.runtime.Wiring;

/**
 * The Libib patron directory: a mirror of Libib's patron list on the compacted
 * {@code holdshelf.patrons}, keyed by barcode ({@code routes/libib.camel.yaml}), read on
 * {@code holdshelf.libib.cron} and at start-up until a read went through the whole directory, at Libib's pace. Notices
 * look contacts up in it, never in the API. Settings: {@code holdshelf.libib.*}
 * ({@link DirectorySettings}); off unless {@code holdshelf.libib.enabled}.
 */
public final class DirectoryCapability implements Capability {

    private final DirectorySettings settings;
    private Wiring wiring;
    private CompactedTopicStore<DirectoryPatron> store;
    private LibibMirror mirror;

    public DirectoryCapability(HoldshelfConfig config) {
        this.settings = DirectorySettings.from(config);
    }

    @Override
    public String name() {
        return "directory";
    }

    @Override
    public boolean enabled() {
        return settings.enabled();
    }

    @Override
    public List<String> routeFiles() {
        return List.of("libib.camel.yaml");
    }

    @Override
    public Set<Topic> topics() {
        return Set.of(Topic.PATRONS, Topic.DLQ);
    }

    @Override
    public void bind(Wiring w) {
        this.wiring = w;
        RecordPublisher letters = w.closeOnStop(new RecordPublisher(w.kafkaConnection(), w.topic(Topic.DLQ),
                "holdshelf-libib-dead-letters", Duration.ofSeconds(60)));
        mirror = new LibibMirror(settings, CallPacer.system(settings.spacing()), this::store, w.deadLetters(),
                letters::publish, w.clock(), w.meters());
        w.bind("libibMirror", mirror);
        w.health(name(), mirror::health);
        Gauge.builder("holdshelf.libib.patrons", this, c -> c.store == null ? 0
                        : c.store.size() - (c.store.get(DirectoryPatron.MIRROR_KEY).isPresent() ? 1 : 0))
                .description("Patrons in the Libib directory mirror").register(w.meters());
    }

    @Override
    public void stopping() {
        if (mirror != null) {
            mirror.stopping();
        }
    }

    /** The mirror's topic, read on first use (the Kafka connection is known by then); shared with the notices. */
    public synchronized CompactedTopicStore<DirectoryPatron> store() {
        if (store == null) {
            store = wiring.compactedStore(Topic.PATRONS, DirectoryPatron.class, DirectoryPatron::type);
        }
        return store;
    }
}
