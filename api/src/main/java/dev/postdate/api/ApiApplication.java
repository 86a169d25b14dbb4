package dev.postdate.api;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Starts the REST API process. */
@OpenAPIDefinition(
        info = @Info(title = "Postdate API", version = "1",
                description = "Schedules emails to be sent once at their time. Errors are application/problem+json."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer pd_<key id>_<secret>, created with ./postdate keys create")
@SecurityScheme(name = "operatorToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <operator token>, whose SHA-256 is in postdate.api.operator-tokens")
public final class ApiApplication {

    private ApiApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(ApiApplication.class).start();
    }
}
