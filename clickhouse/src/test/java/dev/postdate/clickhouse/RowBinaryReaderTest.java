package dev.postdate.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowBinaryReaderTest {

    private static RowBinaryReader over(byte[] bytes) {
        return new RowBinaryReader(new BufferedInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void readsBackWhatTheWriterWroteAcrossVarintBoundaries() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RowBinaryWriter writer = new RowBinaryWriter(bytes);
        int[] lengths = {0, 127, 128, 16_384, 300_000};
        for (int length : lengths) {
            writer.string(text(length));
            writer.uint64(Long.MAX_VALUE - length);
            writer.dateTime(Instant.ofEpochSecond(0xFFFF_FFFFL - length));
        }
        RowBinaryReader reader = over(bytes.toByteArray());
        for (int length : lengths) {
            assertFalse(reader.atEnd());
            assertEquals(text(length), reader.string());
            assertEquals(Long.MAX_VALUE - length, reader.uint64());
            assertEquals(0xFFFF_FFFFL - length, reader.uint32());
        }
        assertTrue(reader.atEnd());
    }

    /** Mostly two-byte characters, so that byte lengths and character counts differ. */
    private static String text(int length) {
        return "Zoë é".repeat(length / 5 + 1).substring(0, length);
    }

    @Test
    void bytesComeAsStored() throws IOException {
        byte[] raw = {0, (byte) 0xFF, '\t', '\n', '\\'};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RowBinaryWriter(bytes).string(raw);
        assertArrayEquals(raw, over(bytes.toByteArray()).bytes());
    }

    @Test
    void aResultCutInsideARowIsAnError() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new RowBinaryWriter(bytes).string("hello");
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), 3);
        assertThrows(EOFException.class, () -> over(cut).string());
        assertThrows(EOFException.class, () -> over(new byte[]{1, 2}).uint32());
    }
}
