"""Writes to items: one transaction each, an event row for each change, and what follows a change
(colours, notices) after it commits. One module per subject; this package names the public ones."""

from luoshi.items.services.base import (
    Conflict,
    NotAllowed,
    ServiceError,
    detail_changes_record,
    ensure,
    item_event_record,
)
from luoshi.items.services.imports import items_import, items_import_check, items_import_write
from luoshi.items.services.lifecycle import (
    EDITABLE_FIELDS,
    ITEM_FIELDS,
    ItemInput,
    MilestoneInput,
    item_complete_on_record,
    item_create,
    item_next_code,
    item_take,
    item_update,
)
from luoshi.items.services.reports import (
    ReportInput,
    cannot_report_reason,
    evidence_attach,
    evidence_max_bytes,
    evidence_store,
    item_period,
    report_approve,
    report_reject,
    report_submit,
    report_verify,
)
from luoshi.items.services.supervision import (
    instruction_acknowledge,
    instruction_give,
    supervision_action_open_item,
    supervision_action_record,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ITEM_FIELDS",
    "Conflict",
    "ItemInput",
    "MilestoneInput",
    "NotAllowed",
    "ReportInput",
    "ServiceError",
    "cannot_report_reason",
    "detail_changes_record",
    "ensure",
    "evidence_attach",
    "evidence_max_bytes",
    "evidence_store",
    "instruction_acknowledge",
    "instruction_give",
    "item_complete_on_record",
    "item_create",
    "item_event_record",
    "item_next_code",
    "item_period",
    "item_take",
    "item_update",
    "items_import",
    "items_import_check",
    "items_import_write",
    "report_approve",
    "report_reject",
    "report_submit",
    "report_verify",
    "supervision_action_open_item",
    "supervision_action_record",
]
