package dev.postdate.clickhouse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerVersionTest {

    @Test
    void readsMajorAndMinorOfWhatServersAnswer() {
        assertEquals(new ServerVersion(18, 16), ServerVersion.parse("18.16.1"));
        assertEquals(new ServerVersion(26, 7), ServerVersion.parse("26.7.3.1\n"));
        assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse("latest"));
        assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse("26"));
    }

    @Test
    void ordersByMajorThenMinor() {
        ServerVersion fixed = new ServerVersion(20, 5);
        assertFalse(new ServerVersion(18, 16).atLeast(fixed));
        assertFalse(new ServerVersion(20, 4).atLeast(fixed));
        assertTrue(new ServerVersion(20, 5).atLeast(fixed));
        assertTrue(new ServerVersion(21, 1).atLeast(fixed));
        assertTrue(new ServerVersion(26, 7).atLeast(fixed));
    }
}
