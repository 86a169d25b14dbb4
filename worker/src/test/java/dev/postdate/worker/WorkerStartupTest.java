package dev.postdate.worker;

import dev.postdate.core.testing.ComponentStartupContract;

class WorkerStartupTest extends ComponentStartupContract {
}
