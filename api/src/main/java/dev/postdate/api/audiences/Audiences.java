package dev.postdate.api.audiences;

import dev.postdate.api.problem.FieldError;
import dev.postdate.api.problem.ProblemException;
import dev.postdate.api.problem.ProblemType;
import dev.postdate.api.versions.VersionCounter;
import dev.postdate.clickhouse.audiences.AudienceStore;
import dev.postdate.clickhouse.audiences.AudienceVersion;
import dev.postdate.clickhouse.audiences.Rule;
import dev.postdate.clickhouse.audiences.RuleParser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Saving and loading audience versions: rules checked whole before anything is stored (docs/audiences.md). */
@Singleton
public class Audiences {

    static final String KIND = "audience";
    private static final int MAX_NAME_LENGTH = 128;

    private final AudienceStore store;
    private final VersionCounter counter;
    private final JsonMapper json;
    private final Clock clock;

    public Audiences(AudienceStore store, VersionCounter counter, JsonMapper json, Clock clock) {
        this.store = store;
        this.counter = counter;
        this.json = json;
        this.clock = clock;
    }

    /** A new audience at version 1. */
    public AudienceVersion create(String tenant, @Nullable JsonNode name, @Nullable JsonNode rule) {
        String id = UUID.randomUUID().toString();
        return save(tenant, id, name, rule, 0);
    }

    /** A new version of an existing audience. */
    public AudienceVersion update(String tenant, String id, @Nullable JsonNode name, @Nullable JsonNode rule) {
        latest(tenant, id);
        return save(tenant, id, name, rule, store.maxVersion(tenant, id));
    }

    public AudienceVersion latest(String tenant, String id) {
        return store.latest(tenant, id).orElseThrow(() -> notFound(null));
    }

    public AudienceVersion version(String tenant, String id, int version) {
        return store.find(tenant, id, version).orElseThrow(() -> notFound(version));
    }

    public List<Integer> versions(String tenant, String id) {
        return store.versions(tenant, id);
    }

    /** The latest version, or the one asked for. */
    public AudienceVersion pinned(String tenant, String id, @Nullable Integer version) {
        return version == null ? latest(tenant, id) : version(tenant, id, version);
    }

    public Rule rule(AudienceVersion version) {
        return store.rule(version);
    }

    public JsonNode tree(String ruleJson) {
        try {
            return json.readValue(ruleJson, JsonNode.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AudienceVersion save(String tenant, String id, @Nullable JsonNode name, @Nullable JsonNode rule, int storedMax) {
        List<FieldError> errors = new ArrayList<>();
        String checkedName = name(name, errors);
        if (rule == null || rule.isNull()) {
            errors.add(new FieldError("rule", "required"));
        } else {
            List<RuleParser.Problem> problems = new ArrayList<>();
            RuleParser.parse(rule, "rule", problems);
            problems.forEach(p -> errors.add(new FieldError(p.path(), p.message())));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION, "The audience was not saved: " + errors.size()
                    + " problem(s)", errors);
        }
        int version = counter.next(KIND, tenant, id, storedMax);
        AudienceVersion saved = new AudienceVersion(tenant, id, version, checkedName, write(rule),
                clock.instant().truncatedTo(ChronoUnit.SECONDS));
        store.insert(saved);
        return saved;
    }

    private static String name(@Nullable JsonNode name, List<FieldError> errors) {
        if (name == null || name.isNull()) {
            errors.add(new FieldError("name", "required"));
            return null;
        }
        if (!name.isString() || name.getStringValue().isBlank() || name.getStringValue().length() > MAX_NAME_LENGTH
                || name.getStringValue().chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", "1 to " + MAX_NAME_LENGTH + " characters, no control characters"));
            return null;
        }
        return name.getStringValue();
    }

    private String write(JsonNode rule) {
        try {
            return json.writeValueAsString(rule);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException notFound(@Nullable Integer version) {
        return new ProblemException(ProblemType.NOT_FOUND, version == null ? "The tenant has no such audience"
                : "The audience has no version " + version);
    }
}
