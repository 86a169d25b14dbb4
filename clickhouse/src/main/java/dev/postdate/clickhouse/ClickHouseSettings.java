package dev.postdate.clickhouse;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * @param url            HTTP endpoint of ClickHouse (or of a load balancer in front of a cluster)
 * @param user           user name
 * @param password       password; never logged
 * @param database       database holding Postdate's tables; every statement names it explicitly
 *                       because ClickHouse 18.16 ignores the database header
 * @param migrateOnStart whether a component applies pending migrations when it starts
 */
@ConfigurationProperties("postdate.clickhouse")
public record ClickHouseSettings(
        @NotBlank String url,
        @NotBlank String user,
        @Bindable(defaultValue = "") String password,
        @NotBlank @Pattern(regexp = "[A-Za-z_][A-Za-z0-9_]*") String database,
        @Bindable(defaultValue = "true") boolean migrateOnStart) {

    @Override
    public String toString() {
        return "ClickHouseSettings[url=" + url + ", user=" + user + ", database=" + database + "]";
    }
}
