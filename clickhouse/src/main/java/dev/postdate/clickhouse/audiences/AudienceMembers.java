package dev.postdate.clickhouse.audiences;

import dev.postdate.clickhouse.ClickHouseSql;
import dev.postdate.clickhouse.Sql;
import dev.postdate.clickhouse.contacts.AttributeValue;
import dev.postdate.clickhouse.contacts.ContactStore;
import dev.postdate.clickhouse.suppressions.SuppressionStore;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The contacts an audience mails now (active, not suppressed, consented to the topic), in pages
 * ordered by contact id: a page starts after the last id of the previous one, so a reader that stops
 * and starts again from a recorded id neither skips nor repeats a contact that was there all along.
 */
@Singleton
public class AudienceMembers {

    /** A contact as a campaign personalizes its email; {@code timezone} and {@code name} may be empty. */
    public record Member(String id, String email, String name, String timezone, String locale,
                         Map<String, AttributeValue> attributes) {
    }

    private final ClickHouseSql sql;
    private final AudienceSql audiences;
    private final JsonMapper json;

    public AudienceMembers(ClickHouseSql sql, SuppressionStore suppressions, JsonMapper json) {
        this.sql = sql;
        this.audiences = new AudienceSql(sql, suppressions);
        this.json = json;
    }

    /** Up to {@code limit} members with ids above {@code afterId} ("" for the first page), by id. */
    public List<Member> page(String tenant, Rule rule, Instant now, @Nullable String topic, String afterId, int limit) {
        return sql.select(Sql.of("SELECT contact_id, email, name, timezone, locale, attributes FROM ")
                        .sql(audiences.matching(tenant, rule, now, Sql.of("contact_id > ").value(afterId)))
                        .sql(" AND ").sql(audiences.eligible(tenant, now, topic)).sql(" ORDER BY contact_id LIMIT " + limit))
                .stream().map(this::member).toList();
    }

    /** Those of {@code contactIds} that a campaign of {@code topic} may mail now, whatever audience they are in. */
    public List<Member> eligibleAmong(String tenant, List<String> contactIds, Instant now, @Nullable String topic) {
        if (contactIds.isEmpty()) {
            return List.of();
        }
        return sql.select(Sql.of("SELECT contact_id, email, name, timezone, locale, attributes FROM ")
                        .sql(audiences.among(tenant, contactIds)).sql(" AND ").sql(audiences.eligible(tenant, now, topic)))
                .stream().map(this::member).toList();
    }

    private Member member(List<String> row) {
        return new Member(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), ContactStore.attributes(parse(row.get(5))));
    }

    private JsonNode parse(String attributes) {
        try {
            return json.readValue(attributes, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
