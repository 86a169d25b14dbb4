package dev.postdate.clickhouse.campaigns;

import dev.postdate.clickhouse.audiences.AudienceMembers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a campaign's template sees of its recipient: {@code contact} (id, email, name, timezone, locale,
 * attributes) and {@code campaign} (id, name, occurrence). The expander and the dry run build it alike.
 */
public final class RecipientData {

    private RecipientData() {
    }

    public static Map<String, Object> of(Campaign campaign, int occurrence, AudienceMembers.Member member) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        member.attributes().forEach((name, value) -> attributes.put(name, value.plain()));
        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("id", member.id());
        contact.put("email", member.email());
        contact.put("name", member.name());
        contact.put("timezone", member.timezone());
        contact.put("locale", member.locale());
        contact.put("attributes", attributes);
        return Map.of("contact", contact, "campaign", Map.of("id", campaign.id(), "name", campaign.spec().name(),
                "occurrence", occurrence));
    }
}
