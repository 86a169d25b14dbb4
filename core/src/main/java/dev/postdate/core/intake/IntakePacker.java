package dev.postdate.core.intake;

import dev.postdate.core.email.ScheduledEmail;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Splits accepted emails into as few intake messages as fit under the SQS body limit. Packing is
 * greedy on the encoded size: it encodes, and halves a packet that came out too large.
 */
public final class IntakePacker {

    private final IntakePacketCodec codec;
    private final int maxBodyBytes;

    /**
     * @param maxBodyBytes largest message body to produce; SQS allows 262,144 bytes including attributes
     */
    public IntakePacker(IntakePacketCodec codec, int maxBodyBytes) {
        this.codec = codec;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Encoded bodies, each under the limit, together holding every email once. */
    public List<String> pack(List<ScheduledEmail> emails) {
        List<String> bodies = new ArrayList<>();
        packInto(emails, bodies);
        return bodies;
    }

    private void packInto(List<ScheduledEmail> emails, List<String> bodies) {
        if (emails.isEmpty()) {
            return;
        }
        String body = codec.encode(new IntakePacket(UUID.randomUUID().toString(), emails));
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
