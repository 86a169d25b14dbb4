package dev.postdate.clickhouse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads ClickHouse's RowBinary output ({@link RowBinaryWriter} has the layout). Bulk reads use it
 * because nothing in it is escaped: a payload arrives as the bytes that were stored, with no
 * escaping on the server and no unescaping here.
 */
public final class RowBinaryReader {

    private final InputStream in;

    /** @param in buffered, and with mark support ({@link java.io.BufferedInputStream}): values are read a few bytes at a time */
    public RowBinaryReader(InputStream in) {
        this.in = in;
    }

    /** Whether the result has no more rows; call it only between rows. */
    public boolean atEnd() throws IOException {
        in.mark(1);
        int next = in.read();
        in.reset();
        return next < 0;
    }

    public long uint32() throws IOException {
        return littleEndian(4);
    }

    public long uint64() throws IOException {
        return littleEndian(8);
    }

    public String string() throws IOException {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** A {@code String} value's bytes. */
    public byte[] bytes() throws IOException {
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = next();
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift > 28) {
                throw new IOException("string length longer than a Java array");
            }
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("string of " + length + " bytes");
        }
        byte[] value = in.readNBytes((int) length);
        if (value.length != length) {
            throw new EOFException("result ended inside a string");
        }
        return value;
    }

    private long littleEndian(int bytes) throws IOException {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= (long) next() << (8 * i);
        }
        return value;
    }

    private int next() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("result ended inside a row");
        }
        return b;
    }
}
