package dev.postdate.ingest;

import dev.postdate.clickhouse.RowBinaryWriter;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.intake.PackedEmail;
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
            PackedEmail email = packet.emails().get(i);
            if (email.id().isEmpty() || email.tenant().isEmpty() || email.content().length == 0) {
                throw new UndecodablePacketException("email " + i + " lacks an id, a tenant or content", null);
            }
            if (!RowBinaryWriter.fitsDateTime(email.sendAt()) || !RowBinaryWriter.fitsDateTime(email.acceptedAt())) {
                throw new UndecodablePacketException("email " + i + " has a time outside 1970-2106", null);
            }
        }
        return packet;
    }
}
