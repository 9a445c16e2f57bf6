package org.holdshelf.sandbox.hoopla;

import java.util.List;

/**
 * One library card Hoopla knows (the card is valid at the library): with a Hoopla account, its
 * holds are served; without one ({@code account} false), its calls are answered 403. A card that is
 * not in the directory at all is answered 400 "Invalid library card".
 *
 * @param card    the library card number (the sandbox uses Sierra patron barcodes)
 * @param account whether the patron has registered with Hoopla
 * @param holds   its current holds, in the order served (empty without an account)
 */
public record HooplaCard(String card, boolean account, List<HooplaHold> holds) {

    public HooplaCard {
        if (card == null || card.isBlank()) {
            throw new IllegalArgumentException("a card needs a number");
        }
        holds = List.copyOf(holds);
    }

    /** A card with a Hoopla account and these holds. */
    public static HooplaCard withHolds(String card, List<HooplaHold> holds) {
        return new HooplaCard(card, true, holds);
    }

    /** A valid card whose patron never registered with Hoopla: answered 403. */
    public static HooplaCard withoutAccount(String card) {
        return new HooplaCard(card, false, List.of());
    }
}
