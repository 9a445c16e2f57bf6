package org.holdshelf.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The structure docs/architecture.md describes, checked on the compiled production classes: the
 * platform, the contracts and the API clients import no capability; capabilities do not import
 * each other; no two packages import each other; the sandbox knows only the contracts.
 */
class ArchitectureTest {

    /** Every capability package, and the composition root above them. */
    private static final String[] CAPABILITIES = {"org.holdshelf.harvest..", "org.holdshelf.pulllists..", "org.holdshelf.scanin..",
        "org.holdshelf.notices..", "org.holdshelf.ops.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.holdshelf");
    }

    @Test
    void platformContractsAndClientsImportNoCapability() {
        noClasses().that().resideInAnyPackage("org.holdshelf.platform..", "org.holdshelf.events..", "org.holdshelf.sierra..")
                .should().dependOnClassesThat().resideInAnyPackage(CAPABILITIES)
                .orShould().dependOnClassesThat().resideInAPackage("org.holdshelf.app..")
                .check(classes);
    }

    @Test
    void capabilitiesDoNotImportEachOther() {
        for (String capability : CAPABILITIES) {
            String[] others = java.util.Arrays.stream(CAPABILITIES).filter(c -> !c.equals(capability)).toArray(String[]::new);
            noClasses().that().resideInAPackage(capability)
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .orShould().dependOnClassesThat().resideInAPackage("org.holdshelf.app..")
                    .check(classes);
        }
    }

    @Test
    void noTwoPackagesImportEachOther() {
        slices().matching("org.holdshelf.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theSandboxKnowsOnlyTheContracts() {
        noClasses().that().resideInAPackage("org.holdshelf.sandbox..")
                .should().dependOnClassesThat().resideInAnyPackage("org.holdshelf.platform..", "org.holdshelf.app..",
                        "org.holdshelf.sierra..", "org.holdshelf.harvest..", "org.holdshelf.pulllists..", "org.holdshelf.scanin..",
                        "org.holdshelf.notices..", "org.holdshelf.ops..")
                .check(classes);
    }
}
