package dev.postdate.core.range;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A range's id is a digest of its bounds: two messages share an id exactly when they cover the same
 * emails. A tick planned again after Redis lost its plan may cut other bounds, and those get other
 * ids, so a worker can never skip a range as "completed before" because an unrelated one was.
 */
public final class RangeId {

    /** 128 bits of SHA-256: collisions are out of reach for any number of ranges Postdate cuts. */
    private static final int ID_BYTES = 16;

    private RangeId() {
    }

    public static String of(RangeBounds bounds) {
        String canonical = bounds.sendAtAfter() + "|" + bounds.sendAtUpTo() + "|" + bounds.seqAfter() + "|"
                + bounds.seqUpTo() + "|" + key(bounds.keyAfter()) + "|" + key(bounds.keyUpTo());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII));
            return "r" + HexFormat.of().formatHex(digest, 0, ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String key(EmailKey key) {
        return key == null ? "-" : key.sendAtEpochSecond() + ":" + key.seq();
    }
}
