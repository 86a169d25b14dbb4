package dev.postdate.core.intake;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.email.TemplateRef;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
                "Plain text " + filler,
                new TemplateRef("welcome", 3),
                Map.of("name", "Zoë " + i, "items", List.of(1, 2, 3), "vip", true),
                Map.of("X-Campaign", "autumn"),
                List.of("newsletter"));
        return new ScheduledEmail("id-" + i, "acme", "batch-1",
                Instant.parse("2026-12-01T08:00:00Z"), Instant.parse("2026-11-23T10:00:00Z"), content);
    }

    @Test
    void roundTripKeepsEveryField() {
        IntakePacket packet = new IntakePacket("p-1", List.of(email(1, "x"), email(2, "y")));
        assertEquals(packet, codec.decode(codec.encode(packet)));
    }

    @Test
    void garbageIsUndecodableNotACrash() {
        assertThrows(UndecodablePacketException.class, () -> codec.decode("not base64 at all!"));
        String notGzip = Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
        assertThrows(UndecodablePacketException.class, () -> codec.decode(notGzip));
        String emptyJson = codec.encode(new IntakePacket(null, null));
        assertThrows(UndecodablePacketException.class, () -> codec.decode(emptyJson));
    }

    @Test
    void packerKeepsEveryEmailOnceAndEveryBodyUnderTheLimit() {
        int limit = 16 * 1024;
        IntakePacker packer = new IntakePacker(codec, limit);
        // Incompressible filler, so that the emails cannot all fit in one body.
        List<ScheduledEmail> emails = IntStream.range(0, 300)
                .mapToObj(i -> email(i, Base64.getEncoder().encodeToString(
                        Long.toString(i * 0x9E3779B97F4A7C15L).repeat(20).getBytes(StandardCharsets.UTF_8))))
                .toList();

        List<String> bodies = packer.pack(emails);

        assertTrue(bodies.size() > 1, "expected several bodies, got " + bodies.size());
        List<ScheduledEmail> unpacked = new ArrayList<>();
        for (String body : bodies) {
            assertTrue(body.length() <= limit, "body of " + body.length() + " bytes");
            unpacked.addAll(codec.decode(body).emails());
        }
        assertEquals(emails, unpacked);
    }

    @Test
    void anEmailLargerThanAMessageIsRefused() {
        IntakePacker packer = new IntakePacker(codec, 100);
        assertThrows(IllegalArgumentException.class, () -> packer.pack(List.of(email(1, "x"))));
    }
}
