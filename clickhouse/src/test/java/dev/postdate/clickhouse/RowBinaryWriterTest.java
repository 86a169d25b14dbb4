package dev.postdate.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowBinaryWriterTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final RowBinaryWriter writer = new RowBinaryWriter(bytes);

    private String hex() {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    @Test
    void numbersAreLittleEndian() throws IOException {
        writer.uint64(0x0102030405060708L);
        writer.dateTime(Instant.ofEpochSecond(0x11223344L));
        assertEquals("0807060504030201" + "44332211", hex());
    }

    @Test
    void stringLengthsAreVarintsAcrossEveryByteBoundary() throws IOException {
        assertEquals("00", lengthPrefix(0));
        assertEquals("7f", lengthPrefix(127));
        assertEquals("8001", lengthPrefix(128));
        assertEquals("ac02", lengthPrefix(300));
        assertEquals("ff7f", lengthPrefix(16_383));
        assertEquals("808001", lengthPrefix(16_384));
    }

    private String lengthPrefix(int length) throws IOException {
        bytes.reset();
        writer.string(new byte[length]);
        String all = hex();
        return all.substring(0, all.length() - 2 * length);
    }

    @Test
    void textIsWrittenAsUtf8() throws IOException {
        writer.string("Zoë");
        assertEquals("045a6fc3ab", hex());
    }

    @Test
    void aDateTimeOutsideTheTypeIsRefused() {
        assertTrue(RowBinaryWriter.fitsDateTime(Instant.parse("2106-02-07T06:28:15Z")));
        assertFalse(RowBinaryWriter.fitsDateTime(Instant.parse("2106-02-07T06:28:16Z")));
        assertFalse(RowBinaryWriter.fitsDateTime(Instant.parse("1969-12-31T23:59:59Z")));
        assertThrows(IllegalArgumentException.class, () -> writer.dateTime(Instant.parse("1969-12-31T23:59:59Z")));
    }
}
