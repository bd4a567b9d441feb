"""Import member lists: WeCom/有赞/LinkWeChat/SCRM/weflow/itchat exports, hand-made Excel, CSV,
WeCom API JSON.

The GUI wizard and `main.py import` call the same functions:

    plan = plan_import(session, path, community_name=None, mapping=None, progress=…, cancelled=…)
    # show plan.rows / plan.issues / plan.communities / plan.leaves / plan.possible_duplicates;
    # let the user fix plan.sheets[i].mapping.fields and plan again with mapping=[…]
    result = import_members(session, plan, progress=…, cancelled=…)  # core.workflows: the
    # import (apply_import, in the caller's transaction), then the levels it changed
    write_error_report(plan, "问题清单.xlsx")

Stages: core.common.sheets (file checks, calamine / CSV / JSON, cell normalisers: shared with
the other imports) → sections (header row, metadata, which sources are complete group lists) →
plan (identity, changes, joins/leaves) → apply (bulk writes).

Names are loaded on first use: main.py imports this package's `cli` module on every start, and
the window must not pay for SQLAlchemy models or calamine before it needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "apply_import": "apply",
    "operator_name": "apply",
    "CUSTOM": "fields",
    "FIELD_LABELS": "fields",
    "IGNORE": "fields",
    "ADD": "model",
    "DOUBT_ANSWERS": "model",
    "DOUBTFUL": "model",
    "NEW": "model",
    "SAME": "model",
    "SKIP": "model",
    "Doubt": "model",
    "LINKED": "model",
    "REJECTED": "model",
    "STATUS_LABELS": "model",
    "UNCHANGED": "model",
    "UPDATE": "model",
    "CommunityPlan": "model",
    "FieldChange": "model",
    "HeaderMapping": "model",
    "ImportCounts": "model",
    "ImportLimits": "core.common.sheets.limits",
    "ImportPlan": "model",
    "ImportResult": "model",
    "MembershipChange": "model",
    "PlanRow": "model",
    "PossibleDuplicate": "model",
    "RowIssue": "model",
    "SheetPlan": "model",
    "plan_import": "plan",
    "SPREADSHEET_SUFFIXES": "core.common.sheets.readers",
    "write_error_report": "report",
}

__all__ = [
    "ADD",
    "CUSTOM",
    "DOUBTFUL",
    "DOUBT_ANSWERS",
    "FIELD_LABELS",
    "IGNORE",
    "LINKED",
    "NEW",
    "REJECTED",
    "SAME",
    "SKIP",
    "SPREADSHEET_SUFFIXES",
    "STATUS_LABELS",
    "UNCHANGED",
    "UPDATE",
    "CommunityPlan",
    "Doubt",
    "FieldChange",
    "HeaderMapping",
    "ImportCounts",
    "ImportLimits",
    "ImportPlan",
    "ImportResult",
    "MembershipChange",
    "PlanRow",
    "PossibleDuplicate",
    "RowIssue",
    "SheetPlan",
    "apply_import",
    "operator_name",
    "plan_import",
    "write_error_report",
]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # A bare name is a module of this package; a dotted one is shared (core.common.sheets).
    value = getattr(
        importlib.import_module(module if "." in module else f"{__name__}.{module}"), name
    )
    globals()[name] = value
    return value


if TYPE_CHECKING:  # pragma: no cover
    from core.common.sheets.limits import ImportLimits
    from core.common.sheets.readers import SPREADSHEET_SUFFIXES
    from core.members.importing.apply import apply_import, operator_name
    from core.members.importing.fields import CUSTOM, FIELD_LABELS, IGNORE
    from core.members.importing.model import (
        ADD,
        DOUBT_ANSWERS,
        DOUBTFUL,
        LINKED,
        NEW,
        REJECTED,
        SAME,
        SKIP,
        STATUS_LABELS,
        UNCHANGED,
        UPDATE,
        CommunityPlan,
        Doubt,
        FieldChange,
        HeaderMapping,
        ImportCounts,
        ImportPlan,
        ImportResult,
        MembershipChange,
        PlanRow,
        PossibleDuplicate,
        RowIssue,
        SheetPlan,
    )
    from core.members.importing.plan import plan_import
    from core.members.importing.report import write_error_report
