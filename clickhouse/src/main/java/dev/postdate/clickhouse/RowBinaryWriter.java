package dev.postdate.clickhouse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Writes ClickHouse's RowBinary format: fixed-width little-endian numbers and length-prefixed
 * strings, read the same by 18.16 and current servers. Unlike TabSeparated nothing is escaped, so
 * bytes that are already UTF-8 (an email's JSON content) go to the server as they are.
 */
public final class RowBinaryWriter {

    private final OutputStream out;
    private final byte[] scratch = new byte[10];

    /** @param out should be buffered: every value is one write */
    public RowBinaryWriter(OutputStream out) {
        this.out = out;
    }

    /** The last instant a {@code DateTime} column holds (UInt32 seconds): 2106-02-07T06:28:15Z. */
    public static final Instant LAST_DATE_TIME = Instant.ofEpochSecond(0xFFFF_FFFFL);

    /** Whether a {@code DateTime} column can hold the instant: 1970 to 2106. */
    public static boolean fitsDateTime(Instant instant) {
        long seconds = instant.getEpochSecond();
        return seconds >= 0 && seconds <= LAST_DATE_TIME.getEpochSecond();
    }

    /** A {@code DateTime}: seconds since the epoch as UInt32. */
    public void dateTime(Instant instant) throws IOException {
        if (!fitsDateTime(instant)) {
            throw new IllegalArgumentException("DateTime holds 1970-2106, not " + instant);
        }
        littleEndian(instant.getEpochSecond(), 4);
    }

    public void uint32(long value) throws IOException {
        littleEndian(value, 4);
    }

    public void uint64(long value) throws IOException {
        littleEndian(value, 8);
    }

    public void int64(long value) throws IOException {
        littleEndian(value, 8);
    }

    public void uint8(int value) throws IOException {
        out.write(value);
    }

    public void float64(double value) throws IOException {
        littleEndian(Double.doubleToLongBits(value), 8);
    }

    /** An {@code Array}'s length; its elements follow, each written as its type is. */
    public void arrayLength(int length) throws IOException {
        varint(length);
    }

    public void string(String value) throws IOException {
        string(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code String} of these bytes: their length as an unsigned LEB128 varint, then the bytes. */
    public void string(byte[] value) throws IOException {
        varint(value.length);
        out.write(value);
    }

    /** An unsigned LEB128 varint. */
    private void varint(long value) throws IOException {
        int n = 0;
        long rest = value;
        do {
            byte low = (byte) (rest & 0x7F);
            rest >>>= 7;
            scratch[n++] = rest == 0 ? low : (byte) (low | 0x80);
        } while (rest != 0);
        out.write(scratch, 0, n);
    }

    private void littleEndian(long value, int bytes) throws IOException {
        for (int i = 0; i < bytes; i++) {
            scratch[i] = (byte) (value >>> (8 * i));
        }
        out.write(scratch, 0, bytes);
    }
}
