package dev.postdate.tracker;

import dev.postdate.core.testing.ComponentStartupContract;

import java.util.Set;

class TrackerStartupTest extends ComponentStartupContract {

    @Override
    protected Set<String> openPublicRoutes() {
        return Set.of("GET /c/{token}", "GET /o/{token}", "GET /u/{token}", "POST /u/{token}", "HEAD /c/{token}", "HEAD /o/{token}", "HEAD /u/{token}", "POST /sns");
    }
}
