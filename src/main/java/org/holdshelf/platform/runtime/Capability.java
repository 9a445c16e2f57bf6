package org.holdshelf.platform.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.holdshelf.platform.kafka.Topic;

/**
 * One capability of the pipeline (harvest, pull lists, scan-in...), the unit of structure: it
 * reads and validates its own settings when it is created, and declares whether it runs, the route
 * files that make up its flows, the topics it reads or writes, the beans it binds, and its health
 * and metrics. The composition root only iterates over them; a disabled capability is not loaded
 * at all (no beans, no routes, no topics).
 *
 * <p>A new capability is a package with one class implementing this, added to the composition
 * root's list; it depends on the platform and the event contracts, never on another capability.
 */
public interface Capability {

    /** Its name in logs and health reports, e.g. {@code pull-lists}. */
    String name();

    /** False when the configuration turns it off. */
    boolean enabled();

    /**
     * Camel settings it needs ({@code camel.server.*} for an HTTP server...), derived from its own
     * validated settings; the root hands them to Camel with the rest of the configuration.
     */
    default Map<String, String> camelSettings() {
        return Map.of();
    }

    /** Its route files, relative to the routes directory ({@code harvest.camel.yaml}). */
    List<String> routeFiles();

    /** The topics it reads or writes; the root creates the missing ones before any route starts. */
    Set<Topic> topics();

    /**
     * Binds the beans its routes use, and registers its health checks, meters and the resources to
     * close when the pipeline stops. Called before Camel starts.
     */
    void bind(Wiring wiring);

    /** Called once Camel runs (the Kafka connection and the Camel context are available). */
    default void started(Wiring wiring) {
    }

    /** The pipeline is about to stop: end long work early (Camel then stops the routes). */
    default void stopping() {
    }

    /**
     * {@code --once} is about to run its one harvest: work that must come first (a poll whose holds go
     * out with the run) is done now, within {@code timeout}.
     */
    default void beforeOnceHarvest(java.time.Duration timeout) throws InterruptedException {
    }

    /** The work it does for every completed harvest run, which {@code --once} waits for and reports. */
    default Optional<RunFollowUp> runFollowUp() {
        return Optional.empty();
    }
}
