package dev.postdate.ranger;

import dev.postdate.core.range.EmailKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeCutterTest {

    private final RangeCutter cutter = new RangeCutter(3);

    @Test
    void dueRangesChainOnTheirKeyBoundariesAndCountTheirEmails() {
        List<EmailKey> keys = IntStream.range(0, 7).mapToObj(i -> new EmailKey(100 + i / 2, 10 + i)).toList();

        List<RangeCutter.Cut> cuts = cutter.cutDue(keys, 99, null);

        assertEquals(List.of(3, 3, 1), cuts.stream().map(RangeCutter.Cut::expected).toList());
        assertNull(cuts.getFirst().bounds().keyAfter());
        for (int i = 1; i < cuts.size(); i++) {
            assertEquals(cuts.get(i - 1).bounds().keyUpTo(), cuts.get(i).bounds().keyAfter());
        }
        assertEquals(keys.getLast(), cuts.getLast().bounds().keyUpTo());
        assertEquals(99, cuts.getFirst().bounds().seqUpTo());
        assertEquals(99, cuts.getFirst().bounds().sendAtAfter(), "tight: one second below the first key");
    }

    @Test
    void lateRangesAreSeqIntervalsBoundedByTheirDueTimes() {
        List<EmailKey> keys = List.of(new EmailKey(50, 21), new EmailKey(10, 22), new EmailKey(30, 25),
                new EmailKey(40, 30));

        List<RangeCutter.Cut> cuts = cutter.cutLate(keys, 20);

        assertEquals(2, cuts.size());
        assertEquals(20, cuts.get(0).bounds().seqAfter());
        assertEquals(25, cuts.get(0).bounds().seqUpTo());
        assertEquals(9, cuts.get(0).bounds().sendAtAfter());
        assertEquals(50, cuts.get(0).bounds().sendAtUpTo());
        assertEquals(25, cuts.get(1).bounds().seqAfter());
        assertEquals(30, cuts.get(1).bounds().seqUpTo());
        assertTrue(cuts.stream().allMatch(c -> c.bounds().keyAfter() == null && c.bounds().keyUpTo() == null));
    }

    @Test
    void noKeysNoRanges() {
        assertTrue(cutter.cutDue(List.of(), 5, null).isEmpty());
        assertTrue(cutter.cutLate(List.of(), 5).isEmpty());
    }
}
