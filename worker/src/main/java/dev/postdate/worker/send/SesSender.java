package dev.postdate.worker.send;

import dev.postdate.core.email.Address;
import dev.postdate.worker.SesSettings;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import jakarta.mail.internet.InternetAddress;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SES v2 {@code SendEmail} with Simple content, the generated Message-ID and the email's headers
 * (real SES replaces the Message-ID with its own; the provider id returned is SES's). SDK retries
 * are off: SES has no idempotency token, so a hidden retry could send twice.
 */
public class SesSender implements Sender, AutoCloseable {

    private final SesV2Client ses;
    private final SesSettings settings;

    public SesSender(SesSettings settings) {
        this.settings = settings;
        SesV2ClientBuilder builder = SesV2Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(settings.attemptTimeout())
                        .apiCallTimeout(settings.attemptTimeout()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.ses = builder.build();
    }

    @Override
    public String name() {
        return "ses";
    }

    @Override
    public String send(OutgoingEmail email) throws SendException {
        List<MessageHeader> headers = new ArrayList<>(email.headers().size() + 1);
        headers.add(MessageHeader.builder().name("Message-ID").value(email.messageId()).build());
        for (Map.Entry<String, String> header : email.headers().entrySet()) {
            headers.add(MessageHeader.builder().name(header.getKey()).value(header.getValue()).build());
        }
        Body.Builder body = Body.builder();
        if (email.html() != null) {
            body.html(c -> c.data(email.html()).charset(StandardCharsets.UTF_8.name()));
        }
        if (email.text() != null) {
            body.text(c -> c.data(email.text()).charset(StandardCharsets.UTF_8.name()));
        }
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(mailbox(email.from()))
                .destination(d -> d.toAddresses(mailbox(email.to())))
                .content(EmailContent.builder().simple(m -> m
                        .subject(c -> c.data(email.subject()).charset(StandardCharsets.UTF_8.name()))
                        .body(body.build())
                        .headers(headers)).build());
        if (email.replyTo() != null) {
            request.replyToAddresses(mailbox(email.replyTo()));
        }
        if (settings.configurationSet() != null && !settings.configurationSet().isBlank()) {
            request.configurationSetName(settings.configurationSet());
        }
        try {
            return ses.sendEmail(request.build()).messageId();
        } catch (SdkException e) {
            throw classify(e);
        }
    }

    static SendException classify(SdkException e) {
        if (e instanceof TooManyRequestsException) {
            return new SendException(SendException.Kind.THROTTLED, reason(e), e);
        }
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorCode());
            if (status == 429 || service.isThrottlingException() || code.toLowerCase(Locale.ROOT).contains("throttl")) {
                return new SendException(SendException.Kind.THROTTLED, reason(e), e);
            }
            if (status >= 500) {
                // SES answered with an error: it did not accept the email.
                return new SendException(SendException.Kind.TRANSIENT, reason(e), e);
            }
            return new SendException(SendException.Kind.PERMANENT, reason(e), e);
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return new SendException(SendException.Kind.AMBIGUOUS, "no answer within the attempt timeout", e);
        }
        if (e instanceof SdkClientException && SendException.neverConnected(e)) {
            return new SendException(SendException.Kind.UNREACHABLE, "cannot connect: " + rootMessage(e), e);
        }
        // Connection reset, read timeout, broken pipe after the request was written: SES may have it.
        return new SendException(SendException.Kind.AMBIGUOUS, rootMessage(e), e);
    }

    private static String reason(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String message = service.awsErrorDetails().errorMessage();
            return service.statusCode() + " " + service.awsErrorDetails().errorCode()
                    + (message == null ? "" : ": " + message);
        }
        return e.getMessage();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** RFC 5322 mailbox; a display name outside ASCII becomes an encoded word, as SES requires. */
    static String mailbox(Address address) {
        if (address.name() == null || address.name().isBlank()) {
            return address.email();
        }
        try {
            return new InternetAddress(address.email(), address.name(), StandardCharsets.UTF_8.name()).toString();
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ses.close();
    }
}
