package dev.postdate.ranger;

import dev.postdate.core.testing.ComponentStartupContract;

class RangerStartupTest extends ComponentStartupContract {
}
