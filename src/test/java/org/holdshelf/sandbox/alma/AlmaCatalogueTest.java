package org.holdshelf.sandbox.alma;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AlmaCatalogueTest {

    private static final List<String> BARCODES = List.of("32101081340380", "303011kj0", "31234000000017", "+A 77");

    @Test
    void idsLookLikeAlmaIdsAndResolveBothWays() {
        AlmaCatalogue catalogue = new AlmaCatalogue(BARCODES, 80);

        for (String barcode : BARCODES) {
            int index = catalogue.indexOfBarcode(barcode).orElseThrow();
            AlmaItemIds ids = catalogue.ids(index);
            assertThat(ids.mmsId()).matches("99\\d{11}6421");
            assertThat(ids.holdingId()).matches("22\\d{11}6421");
            assertThat(ids.itemPid()).matches("23\\d{11}6421");
            assertThat(ids.itemPid().substring(2)).isEqualTo(ids.mmsId().substring(2));
            assertThat(catalogue.indexOfMmsId(ids.mmsId())).hasValue(index);
            assertThat(catalogue.indexOfItemPid(ids.itemPid())).hasValue(index);
            assertThat(catalogue.barcode(index)).isEqualTo(barcode);
        }
    }

    @Test
    void idsDependOnTheBarcodeNotOnTheOrderOfTheCatalogue() {
        List<String> shuffled = new ArrayList<>(BARCODES);
        Collections.reverse(shuffled);
        AlmaCatalogue one = new AlmaCatalogue(BARCODES, 80);
        AlmaCatalogue other = new AlmaCatalogue(shuffled, 80);
        AlmaCatalogue smaller = new AlmaCatalogue(BARCODES.subList(0, 1), 80);

        for (String barcode : BARCODES) {
            assertThat(other.ids(other.indexOfBarcode(barcode).orElseThrow()))
                    .isEqualTo(one.ids(one.indexOfBarcode(barcode).orElseThrow()));
        }
        assertThat(smaller.ids(0)).isEqualTo(one.ids(one.indexOfBarcode(BARCODES.get(0)).orElseThrow()));
    }

    @Test
    void idsAreUniqueAcrossALargeCatalogue() {
        List<String> barcodes = LongStream.range(0, 100_000).mapToObj(i -> Long.toString(30_000_000_000_000L + i)).toList();
        AlmaCatalogue catalogue = new AlmaCatalogue(barcodes, 80);

        Set<String> pids = new HashSet<>();
        for (int i = 0; i < catalogue.size(); i++) {
            pids.add(catalogue.ids(i).itemPid());
        }
        assertThat(pids).hasSize(barcodes.size());
    }

    @Test
    void foreignOrMalformedIdsAreNotFound() {
        AlmaCatalogue catalogue = new AlmaCatalogue(BARCODES, 80);
        String pid = catalogue.ids(0).itemPid();

        assertThat(catalogue.indexOfBarcode("nope")).isEmpty();
        assertThat(catalogue.indexOfItemPid("23258799999906421")).isEmpty();
        assertThat(catalogue.indexOfItemPid(pid.replace("6421", "0006"))).isEmpty();
        assertThat(catalogue.indexOfItemPid("230" + pid.substring(2))).isEmpty();
        assertThat(catalogue.indexOfMmsId(pid)).isEmpty();
        assertThat(catalogue.indexOfMmsId("banana")).isEmpty();
    }

    @Test
    void firstScanDeliversTheItemLaterScansChangeNothing() {
        AlmaCatalogue toHoldShelf = new AlmaCatalogue(BARCODES, 100);
        AlmaCatalogue toShelf = new AlmaCatalogue(BARCODES, 0);

        assertThat(toHoldShelf.state(0)).isEqualTo(ItemState.IN_TRANSIT);
        assertThat(toHoldShelf.scan(0)).isEqualTo(new AlmaCatalogue.ScanTransition(ItemState.IN_TRANSIT, ItemState.ON_HOLD_SHELF));
        assertThat(toHoldShelf.scan(0)).isEqualTo(new AlmaCatalogue.ScanTransition(ItemState.ON_HOLD_SHELF, ItemState.ON_HOLD_SHELF));
        assertThat(toShelf.scan(1)).isEqualTo(new AlmaCatalogue.ScanTransition(ItemState.IN_TRANSIT, ItemState.IN_PLACE));
        assertThat(toShelf.scan(1)).isEqualTo(new AlmaCatalogue.ScanTransition(ItemState.IN_PLACE, ItemState.IN_PLACE));

        assertThat(toHoldShelf.scanCount(0)).isEqualTo(2);
        assertThat(toHoldShelf.scanCounts()).containsExactly(Map.entry(toHoldShelf.barcode(0), 2));

        toHoldShelf.reset();
        assertThat(toHoldShelf.state(0)).isEqualTo(ItemState.IN_TRANSIT);
        assertThat(toHoldShelf.scanCounts()).isEmpty();
    }

    @Test
    void rejectsBlankBarcodes() {
        assertThatThrownBy(() -> new AlmaCatalogue(List.of("1", " "), 80)).isInstanceOf(IllegalArgumentException.class);
    }
}
