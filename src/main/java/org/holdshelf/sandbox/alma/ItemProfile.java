package org.holdshelf.sandbox.alma;

import java.util.List;

/**
 * The descriptive side of a simulated item (bibliographic data, shelf location, the patron request
 * that may be waiting for it), derived from the item's id so that every run shows the same data.
 */
record ItemProfile(
        Book book,
        String locationCode,
        String locationName,
        boolean holdShelfBound,
        String requesterName,
        String requesterId) {

    record Book(String title, String author, String placeOfPublication, String publisher, String year,
                String callNumber) {
    }

    private static final List<Book> BOOKS = List.of(
            new Book("Moby Dick, or, The whale /", "Melville, Herman, 1819-1891.", "New York :", "Harper & Brothers", "1851", "PS2384 .M6 1851"),
            new Book("Pride and prejudice /", "Austen, Jane, 1775-1817.", "London :", "T. Egerton", "1813", "PR4034 .P7 1813"),
            new Book("Middlemarch : a study of provincial life /", "Eliot, George, 1819-1880.", "Edinburgh :", "W. Blackwood", "1871", "PR4662 .A1 1871"),
            new Book("The adventures of Tom Sawyer /", "Twain, Mark, 1835-1910.", "Hartford :", "American Publishing Company", "1876", "PS1306 .A1 1876"),
            new Book("Little women /", "Alcott, Louisa May, 1832-1888.", "Boston :", "Roberts Brothers", "1868", "PS1017 .L5 1868"),
            new Book("Great expectations /", "Dickens, Charles, 1812-1870.", "London :", "Chapman and Hall", "1861", "PR4560 .A1 1861"),
            new Book("The call of the wild /", "London, Jack, 1876-1916.", "New York :", "Macmillan", "1903", "PS3523 .O46 C3 1903"),
            new Book("Frankenstein, or, The modern Prometheus /", "Shelley, Mary Wollstonecraft, 1797-1851.", "London :", "Lackington", "1818", "PR5397 .F7 1818"));

    private static final List<String[]> LOCATIONS = List.of(
            new String[] {"STACKS", "Main Stacks"},
            new String[] {"FICTION", "Fiction"},
            new String[] {"CHILD", "Children's Room"},
            new String[] {"NEWBK", "New Books"});

    private static final List<String> LAST_NAMES = List.of(
            "Okafor", "Lindqvist", "Moreau", "Tanaka", "Garcia", "Novak", "Haddad", "Kowalski");
    private static final List<String> FIRST_NAMES = List.of(
            "Ada", "Ben", "Chioma", "Dmitri", "Elena", "Farid", "Grace", "Hiro");

    /** The profile of the item whose ids are built from {@code seed}. */
    static ItemProfile of(long seed, int holdShelfPercent) {
        String[] location = pick(LOCATIONS, seed, 2);
        return new ItemProfile(
                pick(BOOKS, seed, 1),
                location[0],
                location[1],
                Math.floorMod(mix(seed, 3), 100) < holdShelfPercent,
                pick(LAST_NAMES, seed, 4) + ", " + pick(FIRST_NAMES, seed, 5),
                String.format("2%09d", Math.floorMod(mix(seed, 6), 1_000_000_000L)));
    }

    private static <T> T pick(List<T> values, long seed, int salt) {
        return values.get((int) Math.floorMod(mix(seed, salt), (long) values.size()));
    }

    /** SplitMix64 finaliser: spreads neighbouring seeds over the whole range. */
    static long mix(long seed, int salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
