package dev.postdate.expander;

import dev.postdate.core.testing.ComponentStartupContract;

class ExpanderStartupTest extends ComponentStartupContract {
}
