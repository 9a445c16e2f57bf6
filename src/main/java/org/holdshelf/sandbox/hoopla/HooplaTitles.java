package org.holdshelf.sandbox.hoopla;

import java.util.List;

/**
 * The small title vocabulary of the generated Hoopla holds: each title has a fixed content id and
 * kind (the first two are Hoopla's own examples). One title needs escaping in HTML, CSV and JSON
 * ({@code <}, {@code &}, double and single quotes), two are not in Latin script.
 */
final class HooplaTitles {

    record Title(long contentId, String title, String kind) {
    }

    static final List<Title> TITLES = List.of(
            new Title(13_966_741, "The Four Winds", "EBOOK"),
            new Title(13_280_634, "Harry Potter and the Sorcerer's Stone", "EBOOK"),
            new Title(14_120_087, "Project Hail Mary", "AUDIOBOOK"),
            new Title(12_318_245, "Where the Crawdads Sing", "AUDIOBOOK"),
            new Title(11_022_376, "Saga, Volume 1", "COMIC"),
            new Title(11_407_912, "Ms. Marvel: No Normal", "COMIC"),
            new Title(10_884_530, "The Grand Budapest Hotel", "MOVIE"),
            new Title(12_004_118, "Paddington 2", "MOVIE"),
            new Title(15_233_901, "Dungeons & Dragons: <Honor Among Thieves> \"Deluxe\" 'Edition'", "MOVIE"),
            new Title(13_577_264, "三体 (The Three-Body Problem)", "EBOOK"),
            new Title(12_760_033, "Война и мир", "AUDIOBOOK"),
            new Title(14_489_120, "Crying in H Mart", "EBOOK"),
            new Title(12_911_604, "Educated: A Memoir", "AUDIOBOOK"),
            new Title(11_650_287, "Maus I: A Survivor's Tale", "COMIC"),
            new Title(13_045_772, "Planet Earth II", "TELEVISION"),
            new Title(10_455_019, "Kind of Blue", "MUSIC"));

    private HooplaTitles() {
    }
}
