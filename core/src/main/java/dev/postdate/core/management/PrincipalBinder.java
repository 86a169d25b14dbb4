package dev.postdate.core.management;

import io.micronaut.core.bind.ArgumentBinder;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;

import java.security.Principal;
import java.util.Optional;

/**
 * Hands the principal {@link OperatorEndpointsFilter} sets to endpoint methods that take one: the
 * health endpoint shows its details only to an authenticated principal, and without
 * micronaut-security nothing else binds it.
 */
@Singleton
public class PrincipalBinder implements TypedRequestArgumentBinder<Principal> {

    @Override
    public Argument<Principal> argumentType() {
        return Argument.of(Principal.class);
    }

    @Override
    public ArgumentBinder.BindingResult<Principal> bind(ArgumentConversionContext<Principal> context,
                                                        HttpRequest<?> request) {
        Optional<Principal> principal = request.getUserPrincipal();
        return principal.isPresent() ? () -> principal : ArgumentBinder.BindingResult.empty();
    }
}
