package org.holdshelf.sandbox.sierra;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The simulated Sierra catalogue: holds, items, bibs and patrons, generated on demand.
 *
 * <p>Every record is a pure function of {@code (seed, its index)}, so a data set of a million
 * holds costs no memory, two data sets with the same size, seed and profile are identical, and a
 * test can use this class as an oracle for what the simulator serves.
 *
 * <p>Shape of the data (defaults of {@link Profile#DEFAULT}):
 * <ul>
 *   <li>Holds: record type {@code i} ~60%, {@code b} ~37%, {@code j} ~3%. About 16% are ready
 *       for pickup (status code = record type, with a {@code pickupByDate} UTC date-time, often
 *       near midnight UTC so time-zone rendering matters), ~2% in transit ({@code t}), ~0.3%
 *       missing ({@code m}), the rest on hold ({@code 0}). Hold ids grow with the index.</li>
 *   <li>Patrons: about {@code size / 3}, so most patrons have several holds. A quarter have
 *       6-digit record numbers, the rest 7-digit ones: sorting them as strings differs from
 *       sorting them as numbers. Contacts for notices, as real records hold them: 80% have an
 *       email (5% of those two), with ~3% of those addresses unusable or refused (see
 *       {@code emails}); 55% a telephone ({@code t}), 8% an alternate ({@code p}), and a mobile
 *       ({@code o}) for 60% of those who prefer phone or text notices and 20% of the others,
 *       in mixed formats with 3% not numbers at all. Fixed field 268 (notice preference): 70%
 *       {@code z}, 12% {@code p}, 8% {@code t}, 6% {@code a}, 4% {@code -}; fixed field 263
 *       (language): 70% {@code eng}, 12% {@code spa}, 3% {@code chi}, 2% {@code vie}, 2%
 *       {@code rus}, 1% {@code kor}, 10% blank. 0.5% are deleted (served as {@code id},
 *       {@code deletedDate}, {@code deleted} only) though holds still point at them.</li>
 *   <li>Items: one per hold index ({@code i}-level hold {@code n} holds item {@code n}); each has
 *       one bib and, except ~1%, the barcode {@link #itemBarcode(long)}. The item's status
 *       follows its hold: {@code !} on the holdshelf, {@code t} in transit.</li>
 *   <li>Bibs: about {@code size / 4}, drawn with a strong skew so popular titles are shared by
 *       many holds. The most popular bibs carry one title of each hostile kind; the others get
 *       commas, quotes, line breaks, non-Latin scripts and ~2% spreadsheet-formula prefixes.</li>
 *   <li>About forty pickup locations with uneven weights (see {@link #locations()}).</li>
 * </ul>
 *
 * <p>Id ranges are disjoint per record type, so mixing up an item id and a bib id fails loudly:
 * patrons 100000.. and 1000000.., bibs 3000000.., items 5000000.., volumes 20000000..,
 * holds 40000000...
 */
public final class HoldsDataSet {

    /** Keeps every id range disjoint from the next. */
    public static final int MAX_SIZE = 5_000_000;

    private static final long HOLD_ID_BASE = 40_000_000L;
    private static final int HOLD_ID_STRIDE = 3;
    private static final long ITEM_ID_BASE = 5_000_000L;
    private static final long BIB_ID_BASE = 3_000_000L;
    private static final long VOLUME_ID_BASE = 20_000_000L;
    private static final long SHORT_PATRON_ID_BASE = 100_000L;
    private static final long LONG_PATRON_ID_BASE = 1_000_000L;
    /** Every n-th patron gets a 6-digit record number. */
    private static final int SHORT_PATRON_ID_EVERY = 4;

    private static final long HOLD_STREAM = 1;
    private static final long ITEM_STREAM = 2;
    private static final long BIB_STREAM = 3;
    private static final long PATRON_STREAM = 4;
    private static final long PATRON_NOTICE_STREAM = 5;

    private static final double MISSING_SHARE = 0.003;
    private static final double ITEM_WITHOUT_BARCODE_SHARE = 0.01;
    private static final double FORMULA_TITLE_SHARE = 0.02;
    private static final double DELETED_PATRON_SHARE = 0.005;
    private static final double ALTERNATE_PHONE_SHARE = 0.08;
    /** Patrons who prefer phone or text notices mostly gave a mobile number; the others seldom. */
    private static final double MOBILE_SHARE_TEXTING = 0.6;
    private static final double MOBILE_SHARE_OTHERS = 0.2;
    private static final String[] AREA_CODES = {"513", "513", "859", "937"};
    /** Dates within this many days of the reference date are formatted once, up front. */
    private static final int CACHED_DAYS = 1200;

    /**
     * Knobs that change the mix without changing the structure.
     *
     * @param readyShare     share of holds on the holdshelf (status {@code b}/{@code i}/{@code j})
     * @param inTransitShare share of holds in transit (status {@code t})
     * @param referenceDate  "today" of the data: holds were placed before it, pickup-by dates
     *                       fall around it. Fixed by default so the data never changes.
     */
    public record Profile(double readyShare, double inTransitShare, LocalDate referenceDate) {

        public static final Profile DEFAULT = new Profile(0.16, 0.02, LocalDate.of(2026, 11, 23));

        public Profile {
            if (readyShare < 0 || inTransitShare < 0 || readyShare + inTransitShare > 1 - MISSING_SHARE) {
                throw new IllegalArgumentException("ready share " + readyShare + " and in-transit share "
                        + inTransitShare + " must be non-negative and leave room for the other statuses");
            }
            if (referenceDate == null) {
                throw new IllegalArgumentException("referenceDate is required");
            }
        }
    }

    private final int size;
    private final long seed;
    private final Profile profile;
    private final int patronCount;
    private final int bibCount;
    private final long referenceDay;
    private final SimLocation[] locationSlots;
    private final List<SimLocation> locations;
    private final String[] cachedDates;

    public HoldsDataSet(int size, long seed) {
        this(size, seed, Profile.DEFAULT);
    }

    public HoldsDataSet(int size, long seed, Profile profile) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be between 0 and " + MAX_SIZE + ", was " + size);
        }
        this.size = size;
        this.seed = seed;
        this.profile = profile;
        this.patronCount = size == 0 ? 0 : Math.max(1, size / 3);
        this.bibCount = size == 0 ? 0 : Math.max(1, size / 4);
        this.referenceDay = profile.referenceDate().toEpochDay();
        this.locationSlots = Vocabulary.weightedLocationSlots();
        this.locations = Vocabulary.LOCATIONS.stream().map(Vocabulary.WeightedLocation::location).toList();
        this.cachedDates = new String[2 * CACHED_DAYS + 1];
        for (int i = 0; i < cachedDates.length; i++) {
            cachedDates[i] = LocalDate.ofEpochDay(referenceDay - CACHED_DAYS + i).toString();
        }
    }

    /**
     * The item barcode: {@code "3"} followed by the item id zero-padded to 13 digits
     * ({@code 5000123 -> "30000005000123"}). Other components rely on this formula.
     */
    public static String itemBarcode(long itemId) {
        return "3" + zeroPadded(itemId, 13);
    }

    /** The patron barcode: {@code "2"} followed by the patron id zero-padded to 13 digits. */
    public static String patronBarcode(long patronId) {
        return "2" + zeroPadded(patronId, 13);
    }

    public int size() {
        return size;
    }

    public long seed() {
        return seed;
    }

    public Profile profile() {
        return profile;
    }

    /** All pickup locations, biggest branches first. */
    public List<SimLocation> locations() {
        return locations;
    }

    /** All holds in API order (ascending hold id); computed lazily, nothing is held in memory. */
    public Stream<SimHold> holds() {
        return IntStream.range(0, size).mapToObj(this::hold);
    }

    /** The hold at {@code index} ({@code 0 <= index < size}) of the {@code /patrons/holds} list. */
    public SimHold hold(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("hold index " + index + " outside 0.." + (size - 1));
        }
        SimRandom random = new SimRandom(seed, HOLD_STREAM, index);
        long holdId = HOLD_ID_BASE + (long) HOLD_ID_STRIDE * index + random.nextInt(HOLD_ID_STRIDE);
        long patronId = patronId(random.nextInt(patronCount));
        int typeDraw = random.nextInt(1000);
        String recordType = typeDraw < 600 ? "i" : typeDraw < 970 ? "b" : "j";
        long recordId = switch (recordType) {
            case "i" -> ITEM_ID_BASE + index;
            case "b" -> BIB_ID_BASE + popularBibIndex(random);
            default -> VOLUME_ID_BASE + index;
        };
        double statusDraw = random.nextDouble();
        String statusCode;
        if (statusDraw < profile.readyShare()) {
            statusCode = recordType;
        } else if (statusDraw < profile.readyShare() + profile.inTransitShare()) {
            statusCode = SimHold.IN_TRANSIT;
        } else if (statusDraw < profile.readyShare() + profile.inTransitShare() + MISSING_SHARE) {
            statusCode = SimHold.MISSING;
        } else {
            statusCode = SimHold.ON_HOLD;
        }
        SimLocation pickupLocation = random.pick(locationSlots);
        long placedDay = referenceDay - 3 - random.nextInt(200);
        String notNeededAfter = random.chance(0.7) ? date(placedDay + 180 + random.nextInt(186)) : null;
        boolean ready = statusCode.equals(recordType);
        String pickupByDate = ready ? date(referenceDay - 2 + random.nextInt(12)) + pickupTime(random) : null;
        boolean waiting = statusCode.equals(SimHold.ON_HOLD);
        boolean frozen = waiting && random.chance(0.04);
        int priority = waiting ? 1 + random.nextInt(25) : 1;
        return new SimHold(holdId, patronId, recordType, recordId, statusCode, pickupLocation,
                date(placedDay), notNeededAfter, pickupByDate, frozen, priority);
    }

    /** Where {@code holdId} sits in the hold list, if it is one of this data set's holds. */
    public OptionalInt indexOfHold(long holdId) {
        long offset = holdId - HOLD_ID_BASE;
        if (offset < 0 || offset / HOLD_ID_STRIDE >= size) {
            return OptionalInt.empty();
        }
        int index = (int) (offset / HOLD_ID_STRIDE);
        return hold(index).holdId() == holdId ? OptionalInt.of(index) : OptionalInt.empty();
    }

    public Optional<SimHold> holdById(long holdId) {
        OptionalInt index = indexOfHold(holdId);
        return index.isPresent() ? Optional.of(hold(index.getAsInt())) : Optional.empty();
    }

    public Optional<SimItem> item(long itemId) {
        long index = itemId - ITEM_ID_BASE;
        if (index < 0 || index >= size) {
            return Optional.empty();
        }
        SimRandom random = new SimRandom(seed, ITEM_STREAM, index);
        long bibId = BIB_ID_BASE + popularBibIndex(random);
        String barcode = random.chance(ITEM_WITHOUT_BARCODE_SHARE) ? null : itemBarcode(itemId);
        SimLocation location = random.pick(locationSlots);
        String callNumber = callNumber(random);
        long createdDay = referenceDay - 30 - random.nextInt(3000);
        String createdDate = dateTime(createdDay, random.nextInt(86_400));
        String updatedDate = dateTime(referenceDay - 1 - random.nextInt(30), random.nextInt(86_400));

        SimHold hold = hold((int) index);
        boolean itemLevelHold = hold.recordType().equals("i");
        String statusCode;
        String statusDisplay;
        String dueDate = null;
        if (itemLevelHold && hold.isReady()) {
            statusCode = "!";
            statusDisplay = "ON HOLDSHELF";
        } else if (itemLevelHold && hold.isInTransit()) {
            statusCode = "t";
            statusDisplay = "IN TRANSIT";
        } else if (random.chance(0.02)) {
            statusCode = "m";
            statusDisplay = "MISSING";
        } else {
            statusCode = "-";
            statusDisplay = "AVAILABLE";
            if (random.chance(0.12)) {
                dueDate = date(referenceDay + random.nextInt(21)) + "T08:00:00Z";
            }
        }
        return Optional.of(new SimItem(itemId, barcode, bibId, statusCode, statusDisplay, dueDate, location,
                callNumber, createdDate, updatedDate));
    }

    public Optional<SimBib> bib(long bibId) {
        long index = bibId - BIB_ID_BASE;
        if (index < 0 || index >= bibCount) {
            return Optional.empty();
        }
        SimRandom random = new SimRandom(seed, BIB_STREAM, index);
        String title = index < Vocabulary.SHOWCASE_TITLES.size()
                ? Vocabulary.SHOWCASE_TITLES.get((int) index)
                : title(random);
        String author = random.pick(Vocabulary.LAST_NAMES) + ", " + random.pick(Vocabulary.FIRST_NAMES)
                + (random.chance(0.3) ? ", " + (1900 + random.nextInt(90)) + "-" : "");
        int publishYear = 1850 + random.nextInt(176);
        long createdDay = referenceDay - 30 - random.nextInt(3000);
        return Optional.of(new SimBib(bibId, title, author, publishYear,
                dateTime(createdDay, random.nextInt(86_400)),
                dateTime(referenceDay - 1 - random.nextInt(300), random.nextInt(86_400))));
    }

    /** Every patron of the data set, in id order of generation (made on the fly: nothing is kept). */
    public java.util.stream.Stream<SimPatron> patrons() {
        return java.util.stream.IntStream.range(0, patronCount).mapToObj(i -> patron(patronId(i))).flatMap(Optional::stream);
    }

    public Optional<SimPatron> patron(long patronId) {
        int index = patronIndex(patronId);
        if (index < 0) {
            return Optional.empty();
        }
        // The patron stream draws exactly what it drew before the notice fields existed, so names,
        // home libraries and dates stay as they were; the notice fields come from a stream of their own.
        SimRandom random = new SimRandom(seed, PATRON_STREAM, index);
        String name = random.chance(0.01)
                ? random.pick(Vocabulary.HOSTILE_NAMES)
                : random.pick(Vocabulary.LAST_NAMES) + ", " + random.pick(Vocabulary.FIRST_NAMES);
        boolean hasEmail = random.chance(0.8);
        boolean twoEmails = hasEmail && random.chance(0.05);
        int telephoneLine = random.chance(0.55) ? random.nextInt(10_000) : -1;
        String homeLibraryCode = random.pick(locationSlots).code();
        int patronType = random.nextInt(12);
        long createdDay = referenceDay - 30 - random.nextInt(3000);
        String expirationDate = date(referenceDay + 30 + random.nextInt(1000));
        String createdDate = dateTime(createdDay, random.nextInt(86_400));
        String updatedDate = dateTime(referenceDay - 1 - random.nextInt(300), random.nextInt(86_400));

        SimRandom details = new SimRandom(seed, PATRON_NOTICE_STREAM, index);
        String deletedDate = details.chance(DELETED_PATRON_SHARE) ? date(referenceDay - 1 - details.nextInt(30)) : null;
        String language = details.pick(Vocabulary.LANGUAGE_SLOTS);
        String noticePreference = details.pick(Vocabulary.NOTICE_PREFERENCE_SLOTS);
        List<String> emails = hasEmail ? emails(patronId, twoEmails, details) : List.of();
        List<SimPatron.Phone> phones = new ArrayList<>(3);
        if (telephoneLine >= 0) {
            phones.add(new SimPatron.Phone(phoneNumber("513", telephoneLine, details), SimPatron.Phone.TELEPHONE));
        }
        if (details.chance(ALTERNATE_PHONE_SHARE)) {
            phones.add(new SimPatron.Phone(phoneNumber(details.pick(AREA_CODES), details.nextInt(10_000), details),
                    SimPatron.Phone.ALTERNATE));
        }
        boolean wantsTexts = noticePreference.equals(SimPatron.NOTICE_PHONE) || noticePreference.equals(SimPatron.NOTICE_TEXT);
        if (details.chance(wantsTexts ? MOBILE_SHARE_TEXTING : MOBILE_SHARE_OTHERS)) {
            phones.add(new SimPatron.Phone(phoneNumber(details.pick(AREA_CODES), details.nextInt(10_000), details),
                    SimPatron.Phone.MOBILE));
        }
        return Optional.of(new SimPatron(patronId, List.of(name), List.of(patronBarcode(patronId)), emails, phones,
                homeLibraryCode, patronType, expirationDate, createdDate, updatedDate, language, noticePreference,
                deletedDate));
    }

    /**
     * The EMAIL field as libraries hold it (per 1000 patrons with an address): 10 a mailbox that no
     * longer exists ({@code .reject@}, refused by the sandbox SMTP server), 5 without {@code @}, 5
     * with a doubled {@code @}, 5 a comma-separated list in one string, 5 padded with blanks and in
     * mixed case; the rest {@code patron<id>@example.org}, plus {@code patron<id>.alt@example.net}
     * for the patrons with two.
     */
    private static List<String> emails(long patronId, boolean two, SimRandom details) {
        String primary = "patron" + patronId + "@example.org";
        String alternate = "patron" + patronId + ".alt@example.net";
        int draw = details.nextInt(1000);
        if (draw < 10) {
            primary = "patron" + patronId + ".reject@example.org";
        } else if (draw < 15) {
            primary = "patron" + patronId + "example.org";
        } else if (draw < 20) {
            primary = "patron" + patronId + "@@example.org";
        } else if (draw < 25) {
            return List.of(primary + ", " + alternate);
        } else if (draw < 30) {
            primary = "  Patron" + patronId + "@Example.ORG ";
        }
        return two ? List.of(primary, alternate) : List.of(primary);
    }

    /**
     * A number as staff typed it (per 100): 35 ten digits, 25 with dashes, 15 with the area code in
     * parentheses, 8 without an area code, 5 with dots, 6 as {@code +1 ...}, 3 as {@code 1-...},
     * 3 not a number at all (see {@link Vocabulary#INVALID_PHONES}). All use the 555 exchange.
     */
    private static String phoneNumber(String areaCode, int line, SimRandom details) {
        String last4 = zeroPadded(line, 4);
        int draw = details.nextInt(100);
        if (draw < 35) {
            return areaCode + "555" + last4;
        } else if (draw < 60) {
            return areaCode + "-555-" + last4;
        } else if (draw < 75) {
            return "(" + areaCode + ") 555-" + last4;
        } else if (draw < 83) {
            return "555-" + last4;
        } else if (draw < 88) {
            return areaCode + ".555." + last4;
        } else if (draw < 94) {
            return "+1 " + areaCode + "-555-" + last4;
        } else if (draw < 97) {
            return "1-" + areaCode + "-555-" + last4;
        }
        return details.pick(Vocabulary.INVALID_PHONES);
    }

    // ---- id schemes -------------------------------------------------------------------------

    private long patronId(int index) {
        return index % SHORT_PATRON_ID_EVERY == 0
                ? SHORT_PATRON_ID_BASE + index / SHORT_PATRON_ID_EVERY
                : LONG_PATRON_ID_BASE + index;
    }

    /** The inverse of {@link #patronId(int)}, or -1 when the id is not one of ours. */
    private int patronIndex(long patronId) {
        long index;
        if (patronId >= SHORT_PATRON_ID_BASE && patronId < LONG_PATRON_ID_BASE) {
            index = (patronId - SHORT_PATRON_ID_BASE) * SHORT_PATRON_ID_EVERY;
        } else if (patronId >= LONG_PATRON_ID_BASE) {
            index = patronId - LONG_PATRON_ID_BASE;
            if (index % SHORT_PATRON_ID_EVERY == 0) {
                return -1;
            }
        } else {
            return -1;
        }
        return index < patronCount ? (int) index : -1;
    }

    /** Cubing a uniform draw puts most of the mass on the first (most popular) bibs. */
    private int popularBibIndex(SimRandom random) {
        double u = random.nextDouble();
        return Math.min(bibCount - 1, (int) (bibCount * (u * u * u)));
    }

    // ---- text -------------------------------------------------------------------------------

    private static String title(SimRandom random) {
        if (random.chance(FORMULA_TITLE_SHARE)) {
            return random.pick(Vocabulary.FORMULA_TITLES);
        }
        int shape = random.nextInt(100);
        String adjective = random.pick(Vocabulary.ADJECTIVES);
        String noun = random.pick(Vocabulary.NOUNS);
        String subtitle = random.pick(Vocabulary.SUBTITLES);
        if (shape < 10) {
            return random.pick(Vocabulary.NON_LATIN_TITLES);
        } else if (shape < 12) {
            return "The " + adjective + " " + noun + "\n" + "and other stories";
        } else if (shape < 25) {
            return noun + ", " + random.pick(Vocabulary.NOUNS) + ", and " + random.pick(Vocabulary.NOUNS) + subtitle;
        } else if (shape < 30) {
            return "The \"" + adjective + "\" " + noun + subtitle;
        } else if (shape < 60) {
            return "The " + adjective + " " + noun + subtitle;
        }
        return noun + " of the " + adjective + " " + random.pick(Vocabulary.NOUNS) + subtitle;
    }

    private static String callNumber(SimRandom random) {
        String cutter = random.pick(Vocabulary.LAST_NAMES).toUpperCase();
        return random.chance(0.5)
                ? "FIC " + cutter
                : (100 + random.nextInt(900)) + "." + zeroPadded(random.nextInt(100), 2) + " " + cutter;
    }

    // ---- dates ------------------------------------------------------------------------------

    private String date(long epochDay) {
        long slot = epochDay - referenceDay + CACHED_DAYS;
        return slot >= 0 && slot < cachedDates.length
                ? cachedDates[(int) slot]
                : LocalDate.ofEpochDay(epochDay).toString();
    }

    private String dateTime(long epochDay, int secondOfDay) {
        return date(epochDay) + "T" + zeroPadded(secondOfDay / 3600, 2) + ":" + zeroPadded(secondOfDay / 60 % 60, 2)
                + ":" + zeroPadded(secondOfDay % 60, 2) + "Z";
    }

    /**
     * Pickup deadlines as real systems store them: mostly local midnight of a US library in UTC
     * ({@code 05:00Z}, {@code 04:00Z}), plus times right before and after midnight UTC, where
     * rendering in the wrong zone shows the wrong day.
     */
    private static String pickupTime(SimRandom random) {
        int draw = random.nextInt(100);
        if (draw < 35) {
            return "T05:00:00Z";
        } else if (draw < 50) {
            return "T04:00:00Z";
        } else if (draw < 60) {
            return "T00:00:00Z";
        } else if (draw < 70) {
            return "T23:59:59Z";
        } else if (draw < 75) {
            return "T00:30:00Z";
        } else if (draw < 80) {
            return "T23:00:00Z";
        }
        return "T" + zeroPadded(random.nextInt(24), 2) + ":" + zeroPadded(random.nextInt(60), 2) + ":00Z";
    }

    private static String zeroPadded(long value, int width) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        String digits = Long.toString(value);
        if (digits.length() > width) {
            throw new IllegalArgumentException(value + " does not fit in " + width + " digits");
        }
        char[] padded = new char[width];
        Arrays.fill(padded, 0, width - digits.length(), '0');
        digits.getChars(0, digits.length(), padded, width - digits.length());
        return new String(padded);
    }
}
