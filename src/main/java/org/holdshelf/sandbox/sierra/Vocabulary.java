package org.holdshelf.sandbox.sierra;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fixed word lists behind the generated data: branches, titles and names. The awkward
 * entries (commas, quotes, line breaks, scripts other than Latin, spreadsheet formula prefixes)
 * are here on purpose; they are what breaks CSV writers, notice templates and sort orders.
 */
final class Vocabulary {

    private Vocabulary() {
    }

    /** A pickup location with its share of the holds (relative weight). */
    record WeightedLocation(SimLocation location, int weight) {
    }

    /** About forty branches: a few big ones carry most holds, many small ones a handful each. */
    static final List<WeightedLocation> LOCATIONS = List.of(
            location("main", "Main Library, 2nd Floor", 20),
            location("mo", "Monfort Heights", 10),
            location("21", "Vineland Branch", 9),
            location("cov", "Covedale", 8),
            location("ha", "Harrison", 7),
            location("anx", "The \"Annex\"", 4),
            location("nino", "Biblioteca Niño", 3),
            location("zh", "中文图书馆", 2),
            location("nw", "Northside, Lower Level", 3),
            location("ar", "Anderson", 3),
            location("a", "Avondale", 2),
            location("ba", "Blue Ash", 2),
            location("bh", "Bond Hill", 1),
            location("ch", "Cheviot", 2),
            location("cl", "Clifton", 2),
            location("coh", "College Hill", 2),
            location("cor", "Corryville", 1),
            location("dp", "Deer Park", 1),
            location("de", "Delhi Township", 2),
            location("ep", "Elmwood Place", 1),
            location("fp", "Forest Park", 2),
            location("gh", "Greenhills", 1),
            location("gt", "Green Township", 2),
            location("gr", "Groesbeck", 1),
            location("hp", "Hyde Park", 2),
            location("md", "Madeira", 1),
            location("mv", "Madisonville", 1),
            location("mm", "Mariemont", 1),
            location("mt", "Miami Township", 1),
            location("mh", "Mt. Healthy", 1),
            location("mw", "Mt. Washington", 1),
            location("nc", "North Central", 1),
            location("nor", "Norwood", 2),
            location("oak", "Oakley", 1),
            location("ph", "Price Hill", 1),
            location("pr", "Pleasant Ridge", 1),
            location("rd", "Reading", 1),
            location("sb", "St. Bernard", 1),
            location("b4", "Bookmobile / Outreach", 1),
            location("sym25", "Symmes Township", 1),
            location("wh", "Walnut Hills", 1),
            location("ww", "Westwood", 1));

    private static WeightedLocation location(String code, String name, int weight) {
        return new WeightedLocation(new SimLocation(code, name), weight);
    }

    /**
     * Titles of the most popular bibs (bib index 0, 1, 2, ...), so that every data set of a few
     * thousand holds or more contains each kind of hostile title, several times over.
     */
    static final List<String> SHOWCASE_TITLES = List.of(
            "Where the Crawdads Sing",
            "=HYPERLINK(\"http://x\",\"click\")",
            "The \"Annotated\" Alice, 150th anniversary edition",
            "Война и мир",
            "+1 Strategy",
            "Poems\nselected and new",
            "三体",
            "-30- a newsroom memoir",
            "Cien años de soledad",
            "@home with kids",
            "\tTabbed: a title that starts with a tab",
            "Crème brûlée, café & co.",
            "\"Quoted\" from the first character",
            "Über Straßen, Brücken und Flüsse",
            "ノルウェイの森",
            "Lessons in Chemistry");

    /** Titles that a spreadsheet would evaluate as a formula. */
    static final String[] FORMULA_TITLES = {
            "=HYPERLINK(\"http://x\",\"click\")",
            "=1+1 : arithmetic for kids",
            "+1 Strategy",
            "+ plus size sewing",
            "-30- a newsroom memoir",
            "-ing words and other endings",
            "@home with kids",
            "@ the office : cartoons",
    };

    static final String[] NON_LATIN_TITLES = {
            "Война и мир", "Преступление и наказание", "Мастер и Маргарита",
            "三体", "活着", "红楼梦", "ノルウェイの森", "吾輩は猫である", "한강의 채식주의자",
            "Cien años de soledad", "Les Misérables", "Ælfric's colloquy", "Čapek: Válka s mloky",
            "Ἰλιάς", "ספר הדקדוק", "ألف ليلة وليلة",
    };

    static final String[] ADJECTIVES = {
            "Silent", "Hidden", "Last", "Broken", "Golden", "Invisible", "Quiet", "Wild", "Lost",
            "Secret", "Burning", "Little", "Great", "Midnight", "Crooked", "Distant", "Electric",
    };

    static final String[] NOUNS = {
            "River", "Garden", "Library", "Orchard", "House", "Kingdom", "Winter", "Harbor",
            "Lighthouse", "Cartographer", "Daughter", "Machine", "Forest", "Signal", "Island",
            "Witness", "Atlas", "Bridge", "Archive", "Storm",
    };

    static final String[] SUBTITLES = {
            " : a novel", " : a memoir", " : stories", " / by the author of The River", "",
            "", "", " (Large print)", " [sound recording]", " ; volume 2",
    };

    static final String[] LAST_NAMES = {
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas",
            "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
            "O'Brien", "Nguyễn", "Müller", "Иванова", "王", "García-Márquez", "de la Cruz",
            "Smith-Jones", "Ó Súilleabháin", "Kowalczyk", "Øvergaard", "D'Angelo",
    };

    static final String[] FIRST_NAMES = {
            "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
            "David", "Elizabeth", "William", "Barbara", "Maria", "Susan", "Chen", "Aisha",
            "José", "Zoë", "Анна", "秀英", "Thị Minh", "Robert \"Bob\"", "Mary Ann", "Renée",
            "Siobhán", "Ngozi", "Björn", "Jean-Luc",
    };

    /** Names that a notice template or CSV cell must not trust: formula prefixes and quotes. */
    static final String[] HOSTILE_NAMES = {
            "=SUM(A1:A9), Eve", "+Plus, Pat", "-Minus, Mo", "@Handle, Ann", "\"Quoted\", Quinn",
            "Comma, Chris, Jr.",
    };

    /** The name of the branch with this code, as shown in patron fixed field 53. */
    static Optional<String> locationName(String code) {
        return LOCATIONS.stream().map(WeightedLocation::location).filter(l -> l.code().equals(code))
                .map(SimLocation::name).findFirst();
    }

    /** Fixed field 263 values, one slot per percent; three spaces is "unset". */
    static final String[] LANGUAGE_SLOTS = percentSlots(
            "eng", 70, SimPatron.NO_LANGUAGE, 10, "spa", 12, "chi", 3, "vie", 2, "rus", 2, "kor", 1);

    /** Fixed field 268 values, one slot per percent. */
    static final String[] NOTICE_PREFERENCE_SLOTS = percentSlots(
            SimPatron.NOTICE_EMAIL, 70, SimPatron.NOTICE_PHONE, 12, SimPatron.NOTICE_TEXT, 8,
            SimPatron.NOTICE_MAIL, 6, SimPatron.NOTICE_NONE, 4);

    /** Phone numbers as staff typed them in, which no two records need to agree on. */
    static final String[] INVALID_PHONES = {"N/A", "555-01", "000-000-0000", "513-555-01234", "none given"};

    /** {@code value, percent, value, percent, ...} expanded to 100 slots, so a draw is one array index. */
    private static String[] percentSlots(Object... valuesAndPercents) {
        List<String> slots = new ArrayList<>();
        for (int i = 0; i < valuesAndPercents.length; i += 2) {
            for (int n = 0; n < (Integer) valuesAndPercents[i + 1]; n++) {
                slots.add((String) valuesAndPercents[i]);
            }
        }
        if (slots.size() != 100) {
            throw new IllegalStateException("percentages add up to " + slots.size() + ", not 100");
        }
        return slots.toArray(String[]::new);
    }

    /** The pickup weights expanded to one slot per unit, so a location draw is one array index. */
    static SimLocation[] weightedLocationSlots() {
        List<SimLocation> slots = new ArrayList<>();
        for (WeightedLocation weighted : LOCATIONS) {
            for (int i = 0; i < weighted.weight(); i++) {
                slots.add(weighted.location());
            }
        }
        return slots.toArray(SimLocation[]::new);
    }
}
