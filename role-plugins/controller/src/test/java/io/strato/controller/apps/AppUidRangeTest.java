package io.strato.controller.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AppUidRangeTest {

    @Test
    void theDefaultRangeHoldsTenThousandUids() {
        AppUidRange range = AppUidRange.defaults();
        assertEquals(10000, range.size());
        assertTrue(range.contains(20000) && range.contains(29999));
    }

    @Test
    void aBadRangeIsRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AppUidRange(30000, 20000)).getMessage()
                .contains("is empty: its first uid is above its last"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AppUidRange(0, 100)).getMessage()
                .contains("uids below 1000 are system users"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new AppUidRange(60000, 65534)).getMessage()
                .contains("65534 is nobody"));
        assertEquals("appUidRange must be like 20000-29999, not '20000'",
                assertThrows(IllegalArgumentException.class, () -> AppUidRange.parse("20000")).getMessage());
    }

    @Test
    void theRangeIsWrittenAsTheDeasWriteTheirs() {
        assertEquals(new AppUidRange(5000, 5999), AppUidRange.parse(" 5000 - 5999 "));
        assertEquals("20000-29999", AppUidRange.defaults().toString());
    }
}
