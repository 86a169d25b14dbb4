package dev.postdate.core.intake;

import dev.postdate.core.email.ScheduledEmail;
import io.micronaut.serde.ObjectMapper;
import jakarta.inject.Singleton;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Intake message bodies: length-prefixed fields, gzip, base64 (docs/ingest.md has the layout).
 * Each email's content is JSON serialized once by the api and carried as opaque bytes, so the ingest
 * consumer neither parses nor re-serializes it, and no field is escaped on either side. Personalized
 * emails of one batch share most of their text, so gzip packs several times more of them into SQS's
 * 256 KiB; base64 because SQS bodies are text. gzip's CRC-32 catches a body damaged on the way.
 */
@Singleton
public class IntakePacketCodec {

    /** First byte of every packet; a consumer refuses versions it does not know (dead-letter queue). */
    static final int FORMAT_VERSION = 2;
    /**
     * Longest field a decoder accepts: far above any email the api admits, low enough that a damaged
     * length cannot make the consumer allocate gigabytes.
     */
    private static final int MAX_FIELD_BYTES = 16 << 20;
    /**
     * Buffers between the fields and zlib, so that zlib is called per block rather than per field;
     * small because a coalesced packet of a few single emails allocates them too.
     */
    private static final int BUFFER_BYTES = 8 << 10;
    /** Holds a typical email's content; it grows for larger ones. */
    private static final int CONTENT_BUFFER_BYTES = 16 << 10;

    private final ObjectMapper json;

    public IntakePacketCodec(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The emails as packets carry them, each content serialized once, here. One buffer serves the
     * whole list: a fresh one per email (what {@code writeValueAsBytes} does) was the api's largest
     * source of garbage.
     */
    public List<PackedEmail> pack(List<ScheduledEmail> emails) {
        List<PackedEmail> packed = new ArrayList<>(emails.size());
        ByteArrayOutputStream content = new ByteArrayOutputStream(CONTENT_BUFFER_BYTES);
        try {
            for (ScheduledEmail email : emails) {
                content.reset();
                json.writeValue(content, email.content());
                packed.add(new PackedEmail(email.id(), email.tenant(), email.batchId() == null ? "" : email.batchId(),
                        email.sendAt(), email.acceptedAt(), content.toByteArray()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packed;
    }

    public String encode(IntakePacket packet) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FastGzip(bytes), BUFFER_BYTES))) {
            out.writeByte(FORMAT_VERSION);
            writeString(out, packet.packetId());
            out.writeInt(packet.emails().size());
            for (PackedEmail email : packet.emails()) {
                writeString(out, email.id());
                writeString(out, email.tenant());
                writeString(out, email.batchId());
                writeInstant(out, email.sendAt());
                writeInstant(out, email.acceptedAt());
                out.writeInt(email.content().length);
                out.write(email.content());
            }
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
            super(out, BUFFER_BYTES);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    /**
     * @throws UndecodablePacketException when the body is not a packet this codec wrote: such a
     *                                    message can never be ingested and belongs in the dead-letter queue
     */
    public IntakePacket decode(String body) {
        byte[] compressed;
        try {
            compressed = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new UndecodablePacketException("not base64: " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                new GZIPInputStream(new ByteArrayInputStream(compressed), BUFFER_BYTES), BUFFER_BYTES))) {
            int version = in.readUnsignedByte();
            if (version != FORMAT_VERSION) {
                throw new UndecodablePacketException("packet format " + version + ", this consumer reads "
                        + FORMAT_VERSION, null);
            }
            String packetId = readString(in);
            int count = in.readInt();
            if (count < 0) {
                throw new UndecodablePacketException("negative email count " + count, null);
            }
            List<PackedEmail> emails = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                emails.add(new PackedEmail(readString(in), readString(in), readString(in), readInstant(in),
                        readInstant(in), readBytes(in)));
            }
            if (in.read() != -1) {
                throw new UndecodablePacketException("bytes after the last of " + count + " emails", null);
            }
            return new IntakePacket(packetId, emails);
        } catch (EOFException e) {
            throw new UndecodablePacketException("truncated packet", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodablePacketException undecodable) {
                throw undecodable;
            }
            throw new UndecodablePacketException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
        out.writeLong(instant.getEpochSecond());
        out.writeInt(instant.getNano());
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_FIELD_BYTES) {
            throw new UndecodablePacketException("field length " + length + " out of range", null);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        long seconds = in.readLong();
        return Instant.ofEpochSecond(seconds, in.readInt());
    }
}
