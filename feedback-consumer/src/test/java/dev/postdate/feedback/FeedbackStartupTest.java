package dev.postdate.feedback;

import dev.postdate.core.testing.ComponentStartupContract;

class FeedbackStartupTest extends ComponentStartupContract {
}
