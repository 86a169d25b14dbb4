package dev.postdate.core.campaign;

import dev.postdate.core.email.Address;
import dev.postdate.core.email.TemplateRef;
import io.micronaut.context.ApplicationContext;
import io.micronaut.serde.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A spec is stored as JSON and read back by every expander: the round trip must be exact. */
class CampaignSpecJsonTest {

    private static ApplicationContext context;

    @BeforeAll
    static void start() {
        context = ApplicationContext.run();
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void aSpecReadsBackAsWritten() throws IOException {
        ObjectMapper json = context.getBean(ObjectMapper.class);
        CampaignSpec recurring = new CampaignSpec("digest", new TemplateRef("digest", 3), new AudienceRef("a-1", null),
                new Address("news@example.com", "News"), null, "newsletter",
                new CampaignSchedule(null, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", LocalDateTime.parse("2026-12-07T00:00"),
                        "Europe/Berlin", LocalDateTime.parse("2027-12-31T00:00")),
                new LocalDelivery(LocalTime.parse("08:00"), "Europe/Berlin", LocalDelivery.IfPassed.NEXT_DAY),
                Duration.ofHours(6), List.of("digest"), new CatchUp(CatchUp.Policy.LATEST_ONLY, null), Overlap.SKIP,
                new RateCap(1000, Duration.ofMinutes(1)), null);
        assertEquals(recurring, json.readValue(json.writeValueAsString(recurring), CampaignSpec.class));
        CampaignSpec once = new CampaignSpec("once", new TemplateRef("t", 1), new AudienceRef("a-1", 2),
                new Address("news@example.com", null), new Address("reply@example.com", null), null,
                CampaignSchedule.once(Instant.parse("2026-12-07T07:00:00Z")), null, null, List.of(),
                CatchUp.skipOlderThan(Duration.ofHours(24)), Overlap.RUN, null, null);
        assertEquals(once, json.readValue(json.writeValueAsString(once), CampaignSpec.class));
    }
}
