package dev.postdate.tracker.sns;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.List;

/**
 * postdate.tracker.sns (application.yml explains each): the HTTPS endpoint SNS delivers SES's
 * notifications to, for deployments that subscribe an endpoint rather than the feedback queue.
 *
 * @param topicArns          the topics whose messages are taken; none: the endpoint refuses everything
 * @param feedbackQueue      where verified notifications go, the feedback consumer's queue
 * @param certificateHosts   the hosts signing certificates and subscription confirmations may come
 *                           from (a regular expression); SNS's own by default
 * @param certificateSubject the common name a signing certificate must carry (a regular expression):
 *                           a certificate on an SNS host that is not SNS's signing one is refused
 * @param maxAge             how old a message's Timestamp may be: an older one, signed or not, is a replay
 * @param allowHttp          fetch them over plain http too (tests serving their own certificate only)
 * @param certificateCache   how long a fetched certificate is kept
 * @param fetchTimeout       bound of a certificate fetch or a subscription confirmation
 */
@ConfigurationProperties("postdate.tracker.sns")
public record SnsSettings(@NotNull List<String> topicArns, @NotBlank String feedbackQueue,
                          @NotBlank String certificateHosts, @NotBlank String certificateSubject,
                          @NotNull Duration maxAge, boolean allowHttp, @NotNull Duration certificateCache,
                          @NotNull Duration fetchTimeout) {
}
