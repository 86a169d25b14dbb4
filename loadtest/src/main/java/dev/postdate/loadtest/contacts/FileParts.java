package dev.postdate.loadtest.contacts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A file cut into parts of about {@code target} bytes, each ending at a record's end: a line break,
 * for CSV one outside quotes (a quoted cell may hold line breaks; doubled quotes keep the count even).
 * A record longer than the target makes its part longer.
 */
final class FileParts {

    private final InputStream in;
    private final int target;
    private final boolean csv;
    private final byte[] buffer = new byte[1 << 16];
    private ByteArrayOutputStream carry = new ByteArrayOutputStream();
    private boolean eof;

    FileParts(InputStream in, int target, boolean csv) {
        this.in = in;
        this.target = target;
        this.csv = csv;
    }

    /** The next part, or null after the last. */
    byte[] next() throws IOException {
        while (!eof && carry.size() < target) {
            read();
        }
        while (true) {
            byte[] pending = carry.toByteArray();
            int cut = recordEndFrom(pending, target);
            if (cut > 0) {
                carry = new ByteArrayOutputStream();
                carry.write(pending, cut, pending.length - cut);
                return slice(pending, cut);
            }
            if (eof) {
                carry = new ByteArrayOutputStream();
                return pending.length == 0 ? null : pending;
            }
            read();
        }
    }

    boolean isLast() throws IOException {
        while (!eof && carry.size() == 0) {
            read();
        }
        return eof && carry.size() == 0;
    }

    private void read() throws IOException {
        int n = in.read(buffer);
        if (n < 0) {
            eof = true;
        } else {
            carry.write(buffer, 0, n);
        }
    }

    /** Just after the first line break that ends a record at or beyond {@code length} bytes, or 0. */
    private int recordEndFrom(byte[] bytes, int length) {
        boolean quoted = false;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (csv && b == '"') {
                quoted = !quoted;
            } else if (b == '\n' && !quoted && i + 1 >= length) {
                return i + 1;
            }
        }
        return 0;
    }

    private static byte[] slice(byte[] bytes, int length) {
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, 0, length);
        return out;
    }
}
