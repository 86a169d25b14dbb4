package dev.postdate.core.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Splits accepted emails into as few intake messages as fit under the SQS body limit. A packet's
 * size is known only once it is compressed, so the packer cuts by uncompressed size, using the
 * compression ratio of the packets it encoded last, and halves the rare packet that still comes out
 * too large. Each email is thus compressed about once, instead of once per halving.
 */
public final class IntakePacker {

    /**
     * Share of the limit a cut aims at: the ratio varies between packets, and the headroom makes an
     * overflow (one more encode) rare at the cost of slightly smaller messages.
     */
    private static final double TARGET_FILL = 0.9;

    private final IntakePacketCodec codec;
    private final int maxBodyBytes;
    /**
     * Encoded body characters per uncompressed byte, of the last packet encoded that was large enough
     * to compress as a full message does (a lone email compresses far worse); NaN before the first.
     */
    private volatile double bodyCharsPerByte = Double.NaN;

    /**
     * @param maxBodyBytes largest message body to produce; SQS allows 262,144 bytes including attributes
     */
    public IntakePacker(IntakePacketCodec codec, int maxBodyBytes) {
        this.codec = codec;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Encoded bodies, each under the limit, together holding every email once and in order. */
    public List<String> pack(List<PackedEmail> emails) {
        List<String> bodies = new ArrayList<>();
        for (List<PackedEmail> cut : cuts(emails)) {
            packInto(cut, bodies);
        }
        return bodies;
    }

    private List<List<PackedEmail>> cuts(List<PackedEmail> emails) {
        double ratio = bodyCharsPerByte;
        if (Double.isNaN(ratio)) {
            return List.of(emails);
        }
        long budget = (long) (maxBodyBytes * TARGET_FILL / ratio);
        List<List<PackedEmail>> cuts = new ArrayList<>();
        int from = 0;
        long size = 0;
        for (int i = 0; i < emails.size(); i++) {
            int email = emails.get(i).framedSize();
            if (i > from && size + email > budget) {
                cuts.add(emails.subList(from, i));
                from = i;
                size = 0;
            }
            size += email;
        }
        if (from < emails.size()) {
            cuts.add(emails.subList(from, emails.size()));
        }
        return cuts;
    }

    private void packInto(List<PackedEmail> emails, List<String> bodies) {
        if (emails.isEmpty()) {
            return;
        }
        String body = codec.encode(new IntakePacket(UUID.randomUUID().toString(), emails));
        long raw = emails.stream().mapToLong(PackedEmail::framedSize).sum();
        if (raw >= maxBodyBytes) {
            bodyCharsPerByte = (double) body.length() / raw;
        }
        if (body.length() <= maxBodyBytes) {
            bodies.add(body);
        } else if (emails.size() == 1) {
            throw new IllegalArgumentException("One email encodes to " + body.length()
                    + " bytes, over the intake message limit of " + maxBodyBytes);
        } else {
            int half = emails.size() / 2;
            packInto(emails.subList(0, half), bodies);
            packInto(emails.subList(half, emails.size()), bodies);
        }
    }
}
