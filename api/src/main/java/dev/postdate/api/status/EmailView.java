package dev.postdate.api.status;

import dev.postdate.clickhouse.status.EmailEvent;
import dev.postdate.clickhouse.status.StoredEmail;
import dev.postdate.core.state.EmailStatus;

import java.util.List;

/** What the api knows of one email: where and when, what happened, and the resulting state. */
public record EmailView(StoredEmail email, List<EmailEvent> events, EmailStatus state) {
}
