package dev.postdate.core.campaign;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;

/** An occurrence due while the previous one still has unsent mail: expand it anyway ({@code run}) or skip it. */
@Serdeable
public enum Overlap {
    @JsonProperty("run") RUN,
    @JsonProperty("skip") SKIP;

    public String wireName() {
        return name().toLowerCase();
    }
}
