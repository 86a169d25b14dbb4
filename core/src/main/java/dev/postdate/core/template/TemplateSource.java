package dev.postdate.core.template;

import java.util.Optional;

/**
 * Where stored templates are read from; implemented by the ClickHouse store (module clickhouse), so
 * that core holds no SQL. Implementations may cache versions forever: a version never changes.
 */
public interface TemplateSource {

    /** One version; empty when the tenant has no such template or version. */
    Optional<TemplateVersion> find(String tenant, String name, int version);

    /** The newest version; empty when the tenant has no template of that name. */
    Optional<TemplateVersion> latest(String tenant, String name);
}
