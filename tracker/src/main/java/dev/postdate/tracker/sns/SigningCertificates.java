package dev.postdate.tracker.sns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.inject.Singleton;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The certificates SNS signs with, fetched from the message's {@code SigningCertURL} only when that
 * URL is https on an SNS host ({@code certificate-hosts}): a message cannot bring a certificate of its
 * own choosing. Each is checked to be valid now and to be SNS's signing certificate by its common
 * name ({@code certificate-subject}), and kept for {@code certificate-cache}. The same host rule
 * guards the {@code SubscribeURL} a confirmation is fetched from.
 */
@Singleton
class SigningCertificates {

    private final SnsSettings settings;
    private final Pattern hosts;
    private final Pattern subject;
    private final HttpClient http;
    private final Cache<URI, X509Certificate> cache;

    SigningCertificates(SnsSettings settings) {
        this.settings = settings;
        this.hosts = Pattern.compile(settings.certificateHosts());
        this.subject = Pattern.compile(settings.certificateSubject());
        this.http = HttpClient.newBuilder().connectTimeout(settings.fetchTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.cache = Caffeine.newBuilder().maximumSize(100).expireAfterWrite(settings.certificateCache()).build();
    }

    /** The certificate at this URL, or empty when the URL is not SNS's or the certificate is unusable. */
    Optional<X509Certificate> certificate(URI url) throws IOException, InterruptedException {
        if (!trusted(url)) {
            return Optional.empty();
        }
        X509Certificate cached = cache.getIfPresent(url);
        if (cached != null) {
            return Optional.of(cached);
        }
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).timeout(settings.fetchTimeout()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("signing certificate " + url + " answered " + response.statusCode());
        }
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
            certificate.checkValidity();
            if (!signsForSns(certificate)) {
                return Optional.empty();
            }
            cache.put(url, certificate);
            return Optional.of(certificate);
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }

    /** Confirms a subscription by fetching its SubscribeURL, which must be SNS's as well. */
    boolean confirm(URI subscribeUrl) throws IOException, InterruptedException {
        if (!trusted(subscribeUrl)) {
            return false;
        }
        return http.send(HttpRequest.newBuilder(subscribeUrl).timeout(settings.fetchTimeout()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    private boolean signsForSns(X509Certificate certificate) {
        try {
            return new LdapName(certificate.getSubjectX500Principal().getName()).getRdns().stream()
                    .filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                    .anyMatch(rdn -> subject.matcher(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT)).matches());
        } catch (InvalidNameException e) {
            return false;
        }
    }

    boolean trusted(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean schemeOk = scheme.equals("https") || (settings.allowHttp() && scheme.equals("http"));
        return schemeOk && url.getHost() != null && url.getUserInfo() == null
                && hosts.matcher(url.getHost().toLowerCase(Locale.ROOT)).matches();
    }
}
