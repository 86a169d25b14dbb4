package dev.postdate.ingest;

import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.UndecodablePacketException;
import jakarta.inject.Singleton;

/**
 * Decodes an intake message and checks that every email has what a row needs. A packet that
 * decodes but lacks a required field could never be inserted: it is as undecodable as garbage, and
 * must not block the batches behind it with endless retries.
 */
@Singleton
class IntakeMessageReader {

    private final IntakePacketCodec codec;

    IntakeMessageReader(IntakePacketCodec codec) {
        this.codec = codec;
    }

    IntakePacket read(String body) {
        IntakePacket packet = codec.decode(body);
        for (int i = 0; i < packet.emails().size(); i++) {
            ScheduledEmail email = packet.emails().get(i);
            if (email == null || email.id() == null || email.tenant() == null || email.sendAt() == null
                    || email.acceptedAt() == null || email.content() == null) {
                throw new UndecodablePacketException("email " + i + " lacks id, tenant, sendAt, acceptedAt or content", null);
            }
        }
        return packet;
    }
}
