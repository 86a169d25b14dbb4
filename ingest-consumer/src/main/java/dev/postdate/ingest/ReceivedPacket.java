package dev.postdate.ingest;

import dev.postdate.core.intake.IntakePacket;
import software.amazon.awssdk.services.sqs.model.Message;

/** A decoded packet and the SQS message it came in, which is deleted only after the insert. */
record ReceivedPacket(Message message, IntakePacket packet) {

    int emailCount() {
        return packet.emails().size();
    }
}
