package dev.postdate.ingest;

import dev.postdate.core.testing.ComponentStartupContract;

class IngestStartupTest extends ComponentStartupContract {
}
