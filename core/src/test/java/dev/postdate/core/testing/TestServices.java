package dev.postdate.core.testing;

import java.io.IOException;
import java.net.URI;

/**
 * The one seam between tests and the servers they run against. {@link LocalTestServices} uses the
 * real servers that {@code ./postdate test} starts on this machine; a Docker-backed implementation
 * (Testcontainers' ClickHouse and LocalStack) can be selected with
 * {@code -Dpostdate.test.services=<class name>} on machines that have Docker.
 */
public interface TestServices {

    String clickhouseUrl();

    String clickhouseUser();

    String clickhousePassword();

    /** The ClickHouse cluster the schema lives on ({@code postdate.clickhouse.cluster}); empty: one server. */
    String clickhouseCluster();

    /**
     * On the local cluster, the HTTP endpoint of a replica other than {@link #clickhouseUrl()}, so that a
     * test can write through one replica and read through another; empty on one server.
     */
    String clickhouseOtherReplicaUrl();

    /** Replicas an insert must reach ({@code postdate.clickhouse.insert-quorum}); 0: no quorum. */
    int clickhouseInsertQuorum();

    String redisUri();

    URI sqsEndpoint();

    URI sesEndpoint();

    String awsRegion();

    /** A private SES emulator (not yet started) that a test may kill and restart; its mail survives restarts, as SES's would. */
    RestartableServer privateSesEmulator() throws IOException;

    /**
     * A private SES emulator (not yet started) that answers its first {@code sends} SendEmail calls
     * the way SES answers over its sending rate (429 TooManyRequestsException).
     */
    RestartableServer privateThrottlingSesEmulator(int sends) throws IOException;

    /** A private Redis (not yet started) that a test may kill and restart; its keys survive restarts (append-only file). */
    RestartableServer privateRedis() throws IOException;

    /** The implementation chosen for this JVM. */
    static TestServices current() {
        return Holder.INSTANCE;
    }

    final class Holder {
        private static final TestServices INSTANCE = create();

        private Holder() {
        }

        private static TestServices create() {
            String className = System.getProperty("postdate.test.services", LocalTestServices.class.getName());
            try {
                return (TestServices) Class.forName(className).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot create test services " + className, e);
            }
        }
    }
}
