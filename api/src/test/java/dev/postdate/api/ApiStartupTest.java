package dev.postdate.api;

import dev.postdate.core.testing.ComponentStartupContract;

class ApiStartupTest extends ComponentStartupContract {

    @Override
    protected String keyedRoutePrefix() {
        return "/v1/";
    }
}
