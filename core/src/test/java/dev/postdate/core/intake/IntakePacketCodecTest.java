package dev.postdate.core.intake;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.email.TemplateRef;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntakePacketCodecTest {

    private static ApplicationContext context;
    private static IntakePacketCodec codec;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run();
        codec = context.getBean(IntakePacketCodec.class);
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    static ScheduledEmail email(int i, String filler) {
        EmailContent content = new EmailContent(
                new Address("user" + i + "@example.com", "User " + i),
                new Address("news@example.com", null),
                null,
                "Hello {{ name }}",
                null,
                "Plain text\twith \"quotes\", \\ and\nlines " + filler,
                new TemplateRef("welcome", 3),
                Map.of("name", "Zoë " + i, "items", List.of(1, 2, 3), "vip", true),
                Map.of("X-Campaign", "autumn"),
                List.of("newsletter"),
                null, null, null);
        return new ScheduledEmail("id-" + i, "acme", "batch-1",
                Instant.parse("2026-12-01T08:00:00Z"), Instant.parse("2026-11-23T10:00:00.123456789Z"), content);
    }

    @Test
    void roundTripKeepsEveryFieldAndTheContentBytes() throws IOException {
        IntakePacket packet = packet("p-1", email(1, "x"), email(2, "y"));
        IntakePacket decoded = codec.decode(codec.encode(packet));
        assertEquals(packet, decoded);
        EmailContent content = context.getBean(ObjectMapper.class).readValue(decoded.emails().get(1).content(),
                EmailContent.class);
        assertEquals(email(2, "y").content(), content, "the content reads back as it was sent");
    }

    @Test
    void anEmailWithoutABatchTravelsWithAnEmptyOne() {
        ScheduledEmail alone = email(3, "z");
        ScheduledEmail unbatched = new ScheduledEmail(alone.id(), alone.tenant(), null, alone.sendAt(),
                alone.acceptedAt(), alone.content());
        assertEquals("", codec.pack(List.of(unbatched)).getFirst().batchId());
    }

    @Test
    void garbageIsUndecodableNotACrash() {
        assertThrows(UndecodablePacketException.class, () -> codec.decode("not base64 at all!"));
        String notGzip = Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
        assertThrows(UndecodablePacketException.class, () -> codec.decode(notGzip));
        String empty = gzipBase64(new byte[0]);
        assertThrows(UndecodablePacketException.class, () -> codec.decode(empty));
    }

    @Test
    void anotherFormatVersionIsRefusedWithItsNumber() {
        String jsonPacket = gzipBase64("{\"packetId\":\"p\",\"emails\":[]}".getBytes(StandardCharsets.UTF_8));
        UndecodablePacketException e = assertThrows(UndecodablePacketException.class, () -> codec.decode(jsonPacket));
        assertTrue(e.getMessage().contains("packet format " + (int) '{'), e.getMessage());
    }

    @Test
    void truncatedLyingOrOverlongPacketsAreUndecodable() throws IOException {
        byte[] whole = gunzip(codec.encode(packet("p-2", email(1, "x"), email(2, "y"))));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 10);
        assertThrows(UndecodablePacketException.class, () -> codec.decode(gzipBase64(truncated)));

        byte[] trailing = java.util.Arrays.copyOf(whole, whole.length + 1);
        UndecodablePacketException extra = assertThrows(UndecodablePacketException.class,
                () -> codec.decode(gzipBase64(trailing)));
        assertTrue(extra.getMessage().contains("after the last"), extra.getMessage());

        byte[] hugeLength = whole.clone();
        // The packet id's length field follows the version byte.
        hugeLength[1] = 0x7F;
        assertThrows(UndecodablePacketException.class, () -> codec.decode(gzipBase64(hugeLength)));
    }

    @Test
    void packerKeepsEveryEmailOnceInOrderAndEveryBodyUnderTheLimit() {
        int limit = 16 * 1024;
        IntakePacker packer = new IntakePacker(codec, limit);
        // Incompressible filler, so that the emails cannot all fit in one body.
        List<PackedEmail> emails = codec.pack(IntStream.range(0, 300)
                .mapToObj(i -> email(i, Base64.getEncoder().encodeToString(
                        Long.toString(i * 0x9E3779B97F4A7C15L).repeat(20).getBytes(StandardCharsets.UTF_8))))
                .toList());

        // The first call learns the compression ratio; the second cuts by it.
        for (int call = 0; call < 2; call++) {
            List<String> bodies = packer.pack(emails);
            assertTrue(bodies.size() > 1, "expected several bodies, got " + bodies.size());
            List<PackedEmail> unpacked = new ArrayList<>();
            for (String body : bodies) {
                assertTrue(body.length() <= limit, "body of " + body.length() + " bytes");
                unpacked.addAll(codec.decode(body).emails());
            }
            assertEquals(emails, unpacked);
        }
    }

    @Test
    void anEmailLargerThanAMessageIsRefused() {
        IntakePacker packer = new IntakePacker(codec, 100);
        assertThrows(IllegalArgumentException.class, () -> packer.pack(codec.pack(List.of(email(1, "x")))));
    }

    private static IntakePacket packet(String id, ScheduledEmail... emails) {
        return new IntakePacket(id, codec.pack(List.of(emails)));
    }

    private static String gzipBase64(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static byte[] gunzip(String body) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(body)))) {
            return in.readAllBytes();
        }
    }
}
