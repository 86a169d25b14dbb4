package dev.postdate.core.sqs.dlq;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.EmailContent;
import dev.postdate.core.email.ScheduledEmail;
import dev.postdate.core.intake.IntakePacket;
import dev.postdate.core.intake.IntakePacketCodec;
import dev.postdate.core.range.RangeBounds;
import dev.postdate.core.range.RangeMessage;
import dev.postdate.core.testing.TestEnvironment;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dead-letter tools against real SQS (ElasticMQ); a fresh pair of queues per test. */
class DeadLettersTest {

    private TestEnvironment env;
    private ApplicationContext context;
    private DeadLetters deadLetters;
    private IntakePacketCodec codec;

    @BeforeEach
    void start() {
        env = TestEnvironment.create(DeadLettersTest.class);
        context = ApplicationContext.run(env.properties());
        deadLetters = context.getBean(DeadLetters.class);
        codec = context.getBean(IntakePacketCodec.class);
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
        env.close();
    }

    @Test
    void listDescribesEachMessageWithoutItsBodyAndLeavesThemVisible() {
        IntakePacket packet = packet("acme", "bob@example.com");
        String poison = deadLetter(env.intakeQueue(), codec.encode(packet), "ClickHouse rejected the insert");
        String redriven = deadLetter(env.intakeQueue(), "not a packet", null);

        List<DeadLetter> letters = deadLetters.list(DeadLetterQueue.INTAKE);

        assertEquals(Set.of(poison, redriven), letters.stream().map(DeadLetter::messageId).collect(Collectors.toSet()));
        DeadLetter first = letters.stream().filter(letter -> letter.messageId().equals(poison)).findFirst().orElseThrow();
        assertEquals("ClickHouse rejected the insert", first.reason());
        assertEquals("original-id", first.originalMessageId());
        assertEquals(codec.encode(packet).length(), first.bodyBytes());
        assertTrue(first.receiveCount() >= 1);
        assertTrue(first.sentAt().isAfter(Instant.now().minusSeconds(60)), first.sentAt().toString());
        assertNull(letters.stream().filter(letter -> letter.messageId().equals(redriven)).findFirst()
                .orElseThrow().reason(), "a message moved by the redrive policy has no reason");
        assertEquals(2, deadLetters.approximateCount(DeadLetterQueue.INTAKE), "visible again after the look");
        assertEquals(0, deadLetters.list(DeadLetterQueue.RANGES).size());
    }

    @Test
    void showSummarisesAPacketByIdsAndTenantsARangeAsItselfAndNamesWhatItCannotRead() throws Exception {
        IntakePacket packet = packet("acme", "bob@example.com");
        String packetLetter = deadLetter(env.intakeQueue(), codec.encode(packet), "rejected");
        String garbage = deadLetter(env.intakeQueue(), "not a packet", "undecodable");
        RangeMessage range = new RangeMessage("17-a0", 17, new RangeBounds(100, 200, 0, 50, null, null), 42, 3);
        String rangeLetter = deadLetter(env.rangesQueue(),
                context.getBean(ObjectMapper.class).writeValueAsString(range), "TooMany");

        DeadLetterDetail detail = deadLetters.show(DeadLetterQueue.INTAKE, packetLetter).orElseThrow();
        assertEquals(packet.packetId(), detail.packet().packetId());
        assertEquals(2, detail.packet().emails());
        assertEquals(packet.emails().stream().map(email -> email.id()).toList(), detail.packet().emailIds());
        assertEquals(List.of("acme"), detail.packet().tenants());
        assertEquals("rejected", detail.letter().reason());

        assertTrue(deadLetters.show(DeadLetterQueue.INTAKE, garbage).orElseThrow().undecodable().contains("base64"));
        assertEquals(range, deadLetters.show(DeadLetterQueue.RANGES, rangeLetter).orElseThrow().range());
        assertEquals(Optional.empty(), deadLetters.show(DeadLetterQueue.INTAKE, "no-such-id"));
        assertEquals(2, deadLetters.approximateCount(DeadLetterQueue.INTAKE), "visible again after the look");
    }

    @Test
    void redriveMovesOneMessageOrAllBackToTheSourceQueue() {
        String one = deadLetter(env.intakeQueue(), "body one", "r1");
        String two = deadLetter(env.intakeQueue(), "body two", "r2");
        String three = deadLetter(env.intakeQueue(), "body three", "r3");

        Redriven.Move move = deadLetters.redrive(DeadLetterQueue.INTAKE, two).orElseThrow();
        assertEquals(two, move.messageId());
        assertEquals(List.of("body two"), drain(env.intakeQueue()));
        assertEquals(2, deadLetters.approximateCount(DeadLetterQueue.INTAKE), "the others visible again");
        assertEquals(Optional.empty(), deadLetters.redrive(DeadLetterQueue.INTAKE, two), "already moved");

        Redriven all = deadLetters.redriveAll(DeadLetterQueue.INTAKE);
        assertEquals(Set.of(one, three), all.moved().stream().map(Redriven.Move::messageId).collect(Collectors.toSet()));
        assertEquals(Set.of("body one", "body three"), Set.copyOf(drain(env.intakeQueue())));
        assertEquals(0, deadLetters.approximateCount(DeadLetterQueue.INTAKE));
    }

    @Test
    void theCommandListsShowsAndRedrivesWithoutPrintingPersonalData() {
        IntakePacket packet = packet("acme", "carol@example.com");
        String id = deadLetter(env.intakeQueue(), codec.encode(packet), "rejected");

        String listed = command(0, "list", "intake");
        assertTrue(listed.contains(id) && listed.contains("rejected") && listed.contains("1 message"), listed);
        String shown = command(0, "show", "intake", id);
        assertTrue(shown.contains(packet.packetId()) && shown.contains(packet.emails().getFirst().id()), shown);
        for (String output : List.of(listed, shown)) {
            assertFalse(output.contains("carol@example.com") || output.contains("Secret subject"), output);
        }
        command(2, "list", "nowhere");
        command(1, "show", "intake", "no-such-id");
        command(2, "redrive", "intake");
        String redriven = command(0, "redrive", "intake", "--id", id);
        assertTrue(redriven.contains(id + " -> " + env.intakeQueue()), redriven);
        assertEquals(List.of(codec.encode(packet)), drain(env.intakeQueue()));
    }

    @Test
    void feedbackAndTrackingDeadLettersAreSummarizedWithoutRecipientsAndRedrivenToTheirQueues() {
        String ses = "{\"eventType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[{\"emailAddress\":\"dave@example.org\"}]},"
                + "\"mail\":{\"messageId\":\"prov-7\"}}";
        String envelope = "{\"Type\":\"Notification\",\"Message\":" + quoted(ses) + "}";
        String raw = deadLetter(env.feedbackQueue(), ses, null);
        String wrapped = deadLetter(env.feedbackQueue(), envelope, null);
        String events = "[{\"id\":\"k-1\",\"type\":\"clicked\",\"tenant\":\"acme\",\"recipient\":\"erin@example.org\","
                + "\"url\":\"https://example.org/private\"},{\"id\":\"k-2\",\"type\":\"opened\",\"tenant\":\"globex\"}]";
        String tracking = deadLetter(env.trackingQueue(), events, null);
        String garbage = deadLetter(env.trackingQueue(), "{\"not\":\"a list\"}", null);

        DeadLetterDetail.NotificationSummary bounce = new DeadLetterDetail.NotificationSummary("Bounce", "prov-7");
        assertEquals(bounce, deadLetters.show(DeadLetterQueue.FEEDBACK, raw).orElseThrow().notification());
        assertEquals(bounce, deadLetters.show(DeadLetterQueue.FEEDBACK, wrapped).orElseThrow().notification());
        assertEquals(new DeadLetterDetail.TrackingSummary(2, List.of("clicked", "opened"), List.of("acme", "globex")),
                deadLetters.show(DeadLetterQueue.TRACKING, tracking).orElseThrow().tracking());
        assertTrue(deadLetters.show(DeadLetterQueue.TRACKING, garbage).orElseThrow().undecodable().startsWith("not a list"));
        for (String shown : List.of(command(0, "show", "feedback", raw), command(0, "show", "tracking", tracking))) {
            assertFalse(shown.contains("@example.org") || shown.contains("private"), shown);
        }

        assertTrue(deadLetters.redrive(DeadLetterQueue.TRACKING, tracking).isPresent());
        assertEquals(List.of(events), drain(env.trackingQueue()));
        assertEquals(2, deadLetters.redriveAll(DeadLetterQueue.FEEDBACK).moved().size());
        assertEquals(Set.of(ses, envelope), Set.copyOf(drain(env.feedbackQueue())));
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private String command(int expectedExit, String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = DeadLetterCommand.run(context, args);
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, () -> String.join(" ", args) + ": " + printed);
        return printed;
    }

    private IntakePacket packet(String tenant, String address) {
        EmailContent content = new EmailContent(new Address(address, "Someone"), new Address("news@example.com", null),
                null, "Secret subject", "<p>Hi</p>", "Hi", null, null, Map.of(), List.of(), null, null, null);
        Instant at = Instant.parse("2030-03-01T08:00:00Z");
        List<ScheduledEmail> emails = List.of(
                new ScheduledEmail("email-1", tenant, "", at, at.minusSeconds(60), content),
                new ScheduledEmail("email-2", tenant, "", at, at.minusSeconds(60), content));
        return new IntakePacket("packet-" + System.nanoTime(), codec.pack(emails));
    }

    /** Puts a message straight into the queue's DLQ, as a consumer (reason set) or SQS's redrive policy would. */
    private String deadLetter(String sourceQueue, String body, String reason) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(sourceQueue + "-dlq")).queueUrl();
        return env.sqs().sendMessage(r -> {
            r.queueUrl(url).messageBody(body);
            if (reason != null) {
                r.messageAttributes(Map.of(
                        DeadLetters.REASON_ATTRIBUTE, string(reason),
                        DeadLetters.ORIGINAL_ID_ATTRIBUTE, string("original-id")));
            }
        }).messageId();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private List<String> drain(String queue) {
        String url = env.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl();
        List<Message> messages = env.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                .waitTimeSeconds(1)).messages();
        messages.forEach(message -> env.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle())));
        return messages.stream().map(Message::body).toList();
    }
}
