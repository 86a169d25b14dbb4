package dev.postdate.core.sqs.dlq;

import io.micronaut.configuration.picocli.MicronautFactory;
import io.micronaut.context.ApplicationContext;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./postdate dlq list|show|redrive QUEUE}: the operator's view of the dead-letter queues.
 * Never prints a message body: an intake packet is shown as ids and tenants, a range as itself, an SES
 * notification as its type and provider id, tracking events as their count, types and tenants.
 */
@Command(name = "postdate dlq", mixinStandardHelpOptions = true,
        description = "Inspect and redrive the dead-letter queues (QUEUE: intake, ranges, feedback or tracking).",
        subcommands = {DeadLetterCommand.ListLetters.class, DeadLetterCommand.ShowLetter.class,
                DeadLetterCommand.Redrive.class})
public class DeadLetterCommand implements Runnable {

    /** Its own environment, so that the components' application.yml on the same classpath stays theirs. */
    static final String ENVIRONMENT = "dlq-cli";

    public static void main(String[] args) {
        try (ApplicationContext context = ApplicationContext.builder(DeadLetterCommand.class, ENVIRONMENT).start()) {
            System.exit(run(context, args));
        }
    }

    static int run(ApplicationContext context, String... args) {
        CommandLine command = new CommandLine(DeadLetterCommand.class, new MicronautFactory(context));
        command.registerConverter(DeadLetterQueue.class, name -> DeadLetterQueue.fromWireName(name)
                .orElseThrow(() -> new CommandLine.TypeConversionException("QUEUE is intake, ranges, feedback or tracking, not " + name)));
        return command.execute(args);
    }

    @Override
    public void run() {
        System.out.println("Use a subcommand: list, show, redrive (see --help).");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Count the messages and describe each (id, sent time, receives, size, reason); "
                    + "hides them for a moment while it looks.")
    static class ListLetters implements Runnable {
        @Inject
        DeadLetters deadLetters;

        @CommandLine.Parameters(paramLabel = "QUEUE", description = "intake, ranges, feedback or tracking")
        DeadLetterQueue queue;

        @Override
        public void run() {
            List<DeadLetter> letters = deadLetters.list(queue);
            System.out.println(deadLetters.queueName(queue) + ": " + letters.size() + " message(s)");
            for (DeadLetter letter : letters) {
                System.out.println(letter.messageId() + "  " + letter.sentAt() + "  receives " + letter.receiveCount()
                        + "  " + letter.bodyBytes() + " B  " + (letter.reason() == null
                        ? "(no reason: moved by the queue's redrive policy)" : letter.reason()));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One message's attributes and a summary of its body without personal data.")
    static class ShowLetter implements Callable<Integer> {
        @Inject
        DeadLetters deadLetters;

        @CommandLine.Parameters(index = "0", paramLabel = "QUEUE", description = "intake, ranges, feedback or tracking")
        DeadLetterQueue queue;

        @CommandLine.Parameters(index = "1", paramLabel = "MESSAGE_ID", description = "an id printed by list")
        String messageId;

        @Override
        public Integer call() {
            Optional<DeadLetterDetail> found = deadLetters.show(queue, messageId);
            if (found.isEmpty()) {
                System.err.println("No visible message " + messageId + " in " + deadLetters.queueName(queue) + ".");
                return 1;
            }
            DeadLetterDetail detail = found.get();
            DeadLetter letter = detail.letter();
            System.out.println("message_id           " + letter.messageId());
            System.out.println("sent_at              " + letter.sentAt());
            System.out.println("receive_count        " + letter.receiveCount());
            System.out.println("body_bytes           " + letter.bodyBytes());
            System.out.println("reason               " + Optional.ofNullable(letter.reason()).orElse("-"));
            System.out.println("original_message_id  " + Optional.ofNullable(letter.originalMessageId()).orElse("-"));
            if (detail.packet() != null) {
                System.out.println("packet_id            " + detail.packet().packetId());
                System.out.println("emails               " + detail.packet().emails());
                System.out.println("tenants              " + String.join(" ", detail.packet().tenants()));
                System.out.println("email_ids            " + String.join(" ", detail.packet().emailIds()));
            } else if (detail.range() != null) {
                System.out.println("range                " + detail.range());
            } else if (detail.notification() != null) {
                System.out.println("notification         " + detail.notification().type());
                System.out.println("provider_message_id  " + Optional.ofNullable(detail.notification().providerMessageId()).orElse("-"));
            } else if (detail.tracking() != null) {
                System.out.println("events               " + detail.tracking().events());
                System.out.println("types                " + String.join(" ", detail.tracking().types()));
                System.out.println("tenants              " + String.join(" ", detail.tracking().tenants()));
            } else {
                System.out.println("undecodable          " + detail.undecodable());
            }
            return 0;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Move messages back to the source queue (send, then delete: a crash leaves a copy in both).")
    static class Redrive implements Callable<Integer> {
        @Inject
        DeadLetters deadLetters;

        @CommandLine.Parameters(paramLabel = "QUEUE", description = "intake, ranges, feedback or tracking")
        DeadLetterQueue queue;

        @CommandLine.ArgGroup(multiplicity = "1")
        Which which;

        static class Which {
            @CommandLine.Option(names = "--id", paramLabel = "MESSAGE_ID", description = "one message, by the id list printed")
            String messageId;

            @CommandLine.Option(names = "--all", description = "every message (up to postdate.dlq.list-limit)")
            boolean all;
        }

        @Override
        public Integer call() {
            String source = deadLetters.sourceQueueName(queue);
            if (which.all) {
                Redriven redriven = deadLetters.redriveAll(queue);
                redriven.moved().forEach(move -> print(move, source));
                System.out.println("Moved " + redriven.moved().size() + " message(s) to " + source + ".");
                return 0;
            }
            Optional<Redriven.Move> move = deadLetters.redrive(queue, which.messageId);
            if (move.isEmpty()) {
                System.err.println("No visible message " + which.messageId + " in " + deadLetters.queueName(queue) + ".");
                return 1;
            }
            print(move.get(), source);
            return 0;
        }

        private static void print(Redriven.Move move, String source) {
            System.out.println(move.messageId() + " -> " + source + " as " + move.newMessageId());
        }
    }
}
