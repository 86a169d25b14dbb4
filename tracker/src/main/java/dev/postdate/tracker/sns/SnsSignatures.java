package dev.postdate.tracker.sns;

import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * Checks an SNS message's signature as SNS documents it: SignatureVersion 1 is SHA1withRSA, 2 is
 * SHA256withRSA, over {@link SnsEnvelope#stringToSign()}, with the certificate from SNS's host
 * ({@link SigningCertificates}). The AWS SDK's own checker (sns-message-manager) is not served by
 * this build's registry, so this follows the documented algorithm with the JDK's crypto.
 */
@Singleton
class SnsSignatures {

    private final SigningCertificates certificates;

    SnsSignatures(SigningCertificates certificates) {
        this.certificates = certificates;
    }

    boolean verified(SnsEnvelope envelope) throws IOException, InterruptedException {
        String algorithm = switch (envelope.signatureVersion() == null ? "" : envelope.signatureVersion()) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        Optional<X509Certificate> certificate;
        try {
            certificate = certificates.certificate(envelope.certificateUri());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (certificate.isEmpty()) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(algorithm);
            signature.initVerify(certificate.get().getPublicKey());
            signature.update(envelope.stringToSign().getBytes(StandardCharsets.UTF_8));
            return signature.verify(Base64.getDecoder().decode(envelope.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
