package dev.postdate.loadtest.demo;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The demo's SMTP server (GreenMail, every recipient accepted, nothing relayed), run as its own
 * process so that workers can send to it before the demo starts checking. Over HTTP:
 * {@code GET /health}, {@code POST /clear}, and {@code GET /received}: one line per received mail,
 * {@code <first To>\t<subject>}.
 */
@Command(name = "smtp-sink", mixinStandardHelpOptions = true)
public class SmtpSinkServer implements Callable<Integer> {

    @Option(names = "--smtp-port", defaultValue = "13025", description = "SMTP port on 127.0.0.1")
    int smtpPort;

    @Option(names = "--http-port", defaultValue = "13080", description = "HTTP port on 127.0.0.1")
    int httpPort;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SmtpSinkServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        http.createContext("/health", exchange -> answer(exchange, 200, "{\"status\":\"UP\"}"));
        http.createContext("/clear", exchange -> {
            try {
                mail.purgeEmailFromAllMailboxes();
            } catch (FolderException e) {
                throw new IOException(e);
            }
            answer(exchange, 200, "cleared");
        });
        http.createContext("/received", exchange -> received(exchange, mail));
        http.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.stop(0);
            mail.stop();
            stopped.countDown();
        }));
        System.out.printf("smtp sink: SMTP on 127.0.0.1:%d, HTTP on 127.0.0.1:%d%n", smtpPort, httpPort);
        stopped.await();
        return 0;
    }

    private static void received(HttpExchange exchange, GreenMail mail) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        try (Writer out = new BufferedWriter(new OutputStreamWriter(exchange.getResponseBody(), StandardCharsets.UTF_8))) {
            for (MimeMessage message : mail.getReceivedMessages()) {
                out.write(line(message));
            }
        }
    }

    private static String line(MimeMessage message) throws IOException {
        try {
            var to = message.getRecipients(Message.RecipientType.TO);
            String subject = message.getSubject();
            return (to == null || to.length == 0 ? "" : to[0].toString()) + "\t"
                    + (subject == null ? "" : subject.replace('\t', ' ').replace('\n', ' ')) + "\n";
        } catch (MessagingException e) {
            throw new IOException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
