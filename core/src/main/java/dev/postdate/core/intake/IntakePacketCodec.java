package dev.postdate.core.intake;

import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Intake message bodies: JSON, gzip, base64. Personalized emails of one batch share most of their
 * text, so gzip packs several times more of them into SQS's 256 KiB than plain JSON would; base64
 * because SQS bodies are text.
 */
@Singleton
public class IntakePacketCodec {

    private final ObjectMapper json;

    public IntakePacketCodec(ObjectMapper json) {
        this.json = json;
    }

    public String encode(IntakePacket packet) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new FastGzip(bytes)) {
            gzip.write(json.writeValueAsBytes(packet));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /**
     * Gzip at its fastest level: the api's CPU is the scarcer resource, and on repetitive batch text
     * the fastest level still packs several emails per kilobyte.
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(ByteArrayOutputStream out) throws IOException {
            super(out);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * @throws UndecodablePacketException when the body is not a packet this codec wrote: such a
     *                                    message can never be ingested and belongs in the dead-letter queue
     */
    public IntakePacket decode(String body) {
        try (GZIPInputStream gzip = new GZIPInputStream(
                new ByteArrayInputStream(Base64.getDecoder().decode(body)))) {
            IntakePacket packet = json.readValue(gzip.readAllBytes(), IntakePacket.class);
            if (packet == null || packet.packetId() == null || packet.emails() == null) {
                throw new UndecodablePacketException("packet without id or emails", null);
            }
            return packet;
        } catch (IOException | IllegalArgumentException e) {
            throw new UndecodablePacketException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
