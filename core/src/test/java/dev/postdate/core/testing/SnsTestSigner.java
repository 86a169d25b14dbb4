package dev.postdate.core.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays SNS for tests of the HTTPS delivery path: a key and certificate made by keytool, the
 * certificate served over HTTP on 127.0.0.1 (which such tests configure as SNS's host), a
 * SubscribeURL that counts its confirmations, and messages signed as SNS documents it.
 */
public final class SnsTestSigner implements AutoCloseable {

    public static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:postdate-ses-feedback";
    /** The host pattern that lets a component fetch this signer's certificate. */
    public static final String HOSTS = "127\\.0\\.0\\.1";
    private static final String PASSWORD = "changeit";

    private final PrivateKey key;
    private final HttpServer server;
    private final AtomicInteger confirmations = new AtomicInteger();

    public SnsTestSigner() throws IOException, InterruptedException, GeneralSecurityException {
        this("sns.amazonaws.com");
    }

    /** A signer whose certificate names {@code commonName}: SNS's, or another to be refused. */
    public SnsTestSigner(String commonName) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = Files.createTempDirectory("sns-signer").resolve("sns.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "sns", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + commonName, "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).inheritIO().start();
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        key = (PrivateKey) keys.getKey("sns", PASSWORD.toCharArray());
        byte[] pem = ("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(
                keys.getCertificate("sns").getEncoded()) + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/SimpleNotificationService-test.pem", exchange -> {
            exchange.sendResponseHeaders(200, pem.length);
            exchange.getResponseBody().write(pem);
            exchange.close();
        });
        server.createContext("/confirm", exchange -> {
            confirmations.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The tracker's properties that make it take this signer's messages for {@link #TOPIC}. */
    public Map<String, Object> trackerProperties(String feedbackQueue) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("postdate.tracker.sns.topic-arns", TOPIC);
        properties.put("postdate.tracker.sns.feedback-queue", feedbackQueue);
        properties.put("postdate.tracker.sns.certificate-hosts", HOSTS);
        properties.put("postdate.tracker.sns.allow-http", true);
        return properties;
    }

    public String certificateUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/SimpleNotificationService-test.pem";
    }

    /** A SubscribeURL on this signer, on the host {@code host} (127.0.0.1 is "SNS's"). */
    public String subscribeUrl(String host, String token) {
        return "http://" + host + ":" + server.getAddress().getPort() + "/confirm?Token=" + token;
    }

    public int confirmations() {
        return confirmations.get();
    }

    /** A Notification of {@link #TOPIC} carrying {@code message} (an SES event's JSON), sent now, not signed yet. */
    public Map<String, String> notification(String messageId, String message) {
        return notification(messageId, message, Instant.now());
    }

    /** A Notification of {@link #TOPIC} carrying {@code message}, sent at {@code at}, not signed yet. */
    public Map<String, String> notification(String messageId, String message, Instant at) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "Notification");
        fields.put("MessageId", messageId);
        fields.put("TopicArn", TOPIC);
        fields.put("Subject", "Amazon SES Email Event Notification");
        fields.put("Message", message);
        fields.put("Timestamp", at.truncatedTo(ChronoUnit.MILLIS).toString());
        fields.put("SigningCertURL", certificateUrl());
        return fields;
    }

    /** A SubscriptionConfirmation of {@link #TOPIC}, not signed yet. */
    public Map<String, String> confirmation(String subscribeUrl) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Type", "SubscriptionConfirmation");
        fields.put("MessageId", "c-" + subscribeUrl.hashCode());
        fields.put("Token", "token-1");
        fields.put("TopicArn", TOPIC);
        fields.put("Message", "You have chosen to subscribe to the topic " + TOPIC);
        fields.put("SubscribeURL", subscribeUrl);
        fields.put("Timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        fields.put("SigningCertURL", certificateUrl());
        return fields;
    }

    /**
     * The JSON SNS would post, signed as SNS documents it: the type's fields, in this order, as name
     * and value lines; SignatureVersion 1 with SHA1withRSA, 2 with SHA256withRSA.
     */
    public String signed(Map<String, String> fields, String version) throws GeneralSecurityException {
        List<String> signedFields = fields.get("Type").equals("Notification")
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder toSign = new StringBuilder();
        for (String field : signedFields) {
            if (fields.containsKey(field)) {
                toSign.append(field).append('\n').append(fields.get(field)).append('\n');
            }
        }
        Signature signature = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
        signature.initSign(key);
        signature.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, String> out = new LinkedHashMap<>(fields);
        out.put("SignatureVersion", version);
        out.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
        StringBuilder json = new StringBuilder("{");
        out.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":\"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return json.append('}').toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
