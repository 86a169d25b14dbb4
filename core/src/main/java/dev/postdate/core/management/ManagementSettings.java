package dev.postdate.core.management;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * @param operatorToken the bearer token an operator presents to a sensitive management endpoint
 *                      (and to see health details); empty: nobody can, every sensitive endpoint
 *                      answers 401. Set it from the environment (POSTDATE_MANAGEMENT_OPERATOR_TOKEN).
 */
@ConfigurationProperties("postdate.management")
public record ManagementSettings(@Bindable(defaultValue = "") String operatorToken) {

    @Override
    public String toString() {
        return "ManagementSettings[operatorToken=" + (operatorToken.isEmpty() ? "unset" : "set") + "]";
    }
}
