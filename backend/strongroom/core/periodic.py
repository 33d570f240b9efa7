"""The periodic tasks of PRODUCT.md §3, declared once; ``initial_setup`` registers them in
django-celery-beat, where administrators may later change their schedules in the admin."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicTaskSpec:
    name: str
    task: str
    description: str
    minute: str = "0"
    hour: str = "*"


PERIODIC_TASKS: tuple[PeriodicTaskSpec, ...] = (
    PeriodicTaskSpec(
        name="Send pending tasks",
        task="strongroom.core.tasks.send_pending_tasks",
        description="Queues the tasks whose queueing failed after their change was committed "
        "(the broker was unreachable), e.g. notifications during a Redis restart.",
        minute="*",
        hour="*",
    ),
    PeriodicTaskSpec(
        name="Queue late notification e-mails",
        task="strongroom.notifications.tasks.queue_late_notification_emails",
        description="Queues a flush of notification e-mails past their due time that no flush "
        "is on its way to send (a process stopped between a commit and queueing one).",
        minute="*",
        hour="*",
    ),
    PeriodicTaskSpec(
        name="Compact tallies",
        task="strongroom.core.tasks.compact_tallies",
        description="Folds the changes counted since the last run into the dashboard's and the "
        "forecast's tallies, so that reading them sums about a minute of changes at most.",
        minute="*",
        hour="*",
    ),
    PeriodicTaskSpec(
        name="Flag overdue withdrawals",
        task="strongroom.requests.tasks.flag_overdue_withdrawals",
        description="Marks issued withdrawals past their return date, notifies and escalates.",
        minute="5",
        hour="*",
    ),
    PeriodicTaskSpec(
        name="Retention due digest",
        task="strongroom.records.tasks.retention_due_digest",
        description="Tells Unit Admins which crates reach their retention date within 30 days.",
        minute="0",
        hour="6",
    ),
    PeriodicTaskSpec(
        name="Propose cycle counts",
        task="strongroom.inventory.tasks.propose_cycle_counts",
        description="Tells Store Heads which rooms are due for an inventory audit, by risk "
        "(security class, days since their shelves were last verified).",
        minute="30",
        hour="6",
    ),
    PeriodicTaskSpec(
        name="Verify audit chain",
        task="strongroom.compliance.tasks.verify_audit_chain",
        description="Recomputes the audit hash chain and checks its signed checkpoints; alerts "
        "System Administrators if anything is wrong.",
        minute="0",
        hour="2",
    ),
    PeriodicTaskSpec(
        name="Checkpoint audit chain",
        task="strongroom.compliance.tasks.checkpoint_audit_chain",
        description="Signs the audit chain's head (Ed25519) so that deleted or rewritten events "
        "show; if the head no longer fits the last checkpoint, verifies and alerts instead.",
        minute="15",
        hour="*",
    ),
    PeriodicTaskSpec(
        name="Prune outbox",
        task="strongroom.realtime.tasks.prune_outbox",
        description="Drops real-time events older than the replay window.",
        minute="30",
        hour="3",
    ),
    PeriodicTaskSpec(
        name="Flush expired tokens",
        task="strongroom.accounts.tasks.flush_expired_tokens",
        description="Removes expired refresh tokens from the blacklist tables.",
        minute="45",
        hour="3",
    ),
    PeriodicTaskSpec(
        name="Password expiry reminders",
        task="strongroom.accounts.tasks.password_expiry_reminders",
        description="Reminds users whose password expires within 7 days.",
        minute="0",
        hour="7",
    ),
    PeriodicTaskSpec(
        name="Audit-trail review reminders",
        task="strongroom.review.tasks.audit_review_reminders",
        description="Reminds each unit's reviewers, once a week, of the months whose audit-trail "
        "review is overdue (not signed within the grace period after the month ended).",
        minute="30",
        hour="7",
    ),
)
