package dev.postdate.janitor;

import dev.postdate.core.testing.ComponentStartupContract;

class JanitorStartupTest extends ComponentStartupContract {
}
