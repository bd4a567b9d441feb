"""bounds on points and money; ledger entries change member only along a recorded merge

Points and money get upper bounds (db.bounds) as CHECK constraints: one entry or allocation at
most ±1,000,000 points, a reward's price and a rule's points likewise, money at most
¥10,000,000 (1,000,000,000 fen) per purchase, reward cost and redemption.

A database may already hold values past them. Before the constraints apply, this migration:
- sets a value beyond what a 32-bit INTEGER holds (only SQLite could store one) to that limit,
  so sums can't overflow;
- neutralises an award past the bound: a reversal entry when none of it was used, else a
  negative adjustment of what is left (the award itself stays, as history);
- writes a new, disabled version of an earn rule past a bound; clamps and takes off sale a
  reward past one (rewards are edited in place anyway);
- keeps every other such row (the award, its reversal, history), listed by id and value in its
  constraint, so nothing else can ever be written past the bound.
Each is written to `data_repairs` and the log, with the reason.

Moves: `booked_member_id` / `booked_related_member_id` record whom an entry was written for
(filled from the merge records). New triggers refuse changing `member_id` or
`related_member_id` of an entry or a redemption except along a merge in `member_merges` that
is not undone; refuse deleting (and on PostgreSQL truncating) redemptions, changing what a
redemption charged, and changing a refund once set.

Create Date: 2026-12-05 23:55:10.438932
"""

import logging
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

from db.migration_ops import (
    LEDGER_APPEND_ONLY_FUNCTION,
    append_only_triggers,
    create_id_table,
    data_table,
    drop_append_only_triggers,
    drop_trigger,
    earlier_migration,
)

revision: str = "0007"
down_revision: str | None = "0006"

log = logging.getLogger("db.migrations")

# The bounds as this migration wrote them (copied from db.bounds: a migration keeps its meaning).
MAX_ENTRY = 1_000_000
MAX_BALANCE = 100_000_000
MAX_MONEY = 1_000_000_000
MAX_PENDING = 365
MAX_EXPIRY = 3650
MAX_STOCK = 1_000_000
MAX_LIMIT = 10_000
INT32 = 2_147_483_647
OPERATOR = "系统（升级 0007）"
CHUNK = 500


class Bound(NamedTuple):
    table: str
    name: str  # of the CHECK constraint, without the ck_<table>_ prefix
    column: str
    sql: str  # the models' text
    low: int
    high: int
    # Past this a value is clamped before anything else: sums of it can overflow, and
    # PostgreSQL can't hold it. Purchases up to the old recorder's own limit are left alone.
    wide: int = INT32


def _between(table, name, column, low, high, *, nullable=False, wide=INT32) -> Bound:
    sql = f"{column} BETWEEN {low} AND {high}"
    return Bound(
        table, name, column, f"{column} IS NULL OR {sql}" if nullable else sql, low, high, wide
    )


def _at_most(table, name, column, low, high) -> Bound:
    """Only the upper bound is new: the lower one has a check of its own since 0005."""
    return Bound(table, name, column, f"{column} <= {high}", low, high)


BOUNDS = (
    _between("ledger_entries", "points_range", "points", -MAX_ENTRY, MAX_ENTRY),
    _between("ledger_allocations", "points_range", "points", -MAX_ENTRY, MAX_ENTRY),
    _between("ledger_redemptions", "points_range", "points", 1, MAX_ENTRY),
    _between("ledger_redemptions", "cost_cents_range", "cost_cents", 0, MAX_MONEY),
    _between(
        "activity_events", "amount_cents_range", "amount_cents", 0, MAX_MONEY, wide=10_000_000_000
    ),
    _at_most("ledger_rules", "points_max", "points", 0, MAX_ENTRY),
    _between("ledger_rules", "cap_max", "daily_cap", 0, MAX_BALANCE, nullable=True),
    _at_most("ledger_rules", "pending_days_max", "pending_days", 0, MAX_PENDING),
    _between("ledger_rules", "expiry_days_max", "expiry_days", 1, MAX_EXPIRY, nullable=True),
    _at_most("ledger_rewards", "points_cost_max", "points_cost", 1, MAX_ENTRY),
    _at_most("ledger_rewards", "cost_cents_max", "cost_cents", 0, MAX_MONEY),
    _between("ledger_rewards", "stock_max", "stock", 0, MAX_STOCK, nullable=True),
    _between("ledger_rewards", "limit_max", "per_member_limit", 1, MAX_LIMIT, nullable=True),
)
# Rewards are edited in place: a value past its bound is clamped. Elsewhere a row past it is
# history: kept, and named in its constraint.
CLAMPED_TABLES = ("ledger_rewards",)
TABLE_ORDER = (
    "activity_events",
    "ledger_rules",
    "ledger_rewards",
    "ledger_entries",
    "ledger_allocations",
    "ledger_redemptions",
)

# The columns as migration 0005 created them; this migration adds the booked_ pair.
_M0005 = earlier_migration(__file__, "0005_points_ledger.py")
ENTRY_COLUMNS = (*_M0005.COLUMNS["ledger_entries"], "booked_member_id", "booked_related_member_id")
RULE_COLUMNS = _M0005.COLUMNS["ledger_rules"]
REDEMPTION_COLUMNS = (
    "id",
    "code",
    "member_id",
    "reward_id",
    "points",
    "cost_cents",
    "status",
    "spend_entry_id",
    "refund_entry_id",
    "created_at",
    "delivered_at",
    "used_at",
    "cancelled_at",
    "operator",
    "note",
)
# Append-only tables: the columns an UPDATE may set (moves are checked by their own trigger).
APPEND_ONLY = {
    "ledger_entries": (ENTRY_COLUMNS, ("member_id", "related_member_id")),
    "ledger_allocations": (("id", "entry_id", "credit_id", "points"), ()),
    "ledger_rules": (RULE_COLUMNS, ()),
    # A redemption moves along 待发放 → 已发放 → 已核销 / 已取消; what it charged never changes.
    "ledger_redemptions": (
        REDEMPTION_COLUMNS,
        (
            "member_id",
            "status",
            "refund_entry_id",
            "delivered_at",
            "used_at",
            "cancelled_at",
            "operator",
            "note",
        ),
    ),
}
# Trigger name → (table, column): the column changes only along a merge not undone.
MOVES = {
    "ledger_entries_member_move": ("ledger_entries", "member_id"),
    "ledger_entries_invitee_move": ("ledger_entries", "related_member_id"),
    "ledger_redemptions_member_move": ("ledger_redemptions", "member_id"),
}

entries = data_table(
    "ledger_entries",
    *ENTRY_COLUMNS,
    occurred_at=sa.DateTime,
    recorded_at=sa.DateTime,
    pending_until=sa.DateTime,
)
allocations = data_table("ledger_allocations", "id", "entry_id", "credit_id", "points")
rules = data_table("ledger_rules", *RULE_COLUMNS, params=sa.JSON, created_at=sa.DateTime)
merges = data_table(
    "member_merges", "id", "kept_id", "merged_id", undone_at=sa.DateTime, moved=sa.JSON
)
repairs = data_table(
    "data_repairs",
    "revision", "table_name", "row_id", "column_name", "old_value", "action", "reason",
    repaired_at=sa.DateTime,
)  # fmt: skip


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    create_id_table(
        "data_repairs",
        sa.Column("repaired_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    # 0005's triggers go first: the repairs below write, and SQLite's rebuilds drop them anyway.
    for statement in _drop_0005_triggers(dialect):
        op.execute(statement)
    op.add_column("ledger_entries", sa.Column("booked_member_id", sa.Integer(), nullable=True))
    op.add_column(
        "ledger_entries", sa.Column("booked_related_member_id", sa.Integer(), nullable=True)
    )
    _fill_booked_members()

    now = datetime.now()
    originals = _clamp_wide_values(now)
    _clamp_rewards(now)
    _new_rule_versions(now)
    _neutralise_awards(now, originals)

    for table in TABLE_ORDER:
        checks = []
        for name, column, sql, kept in _checks_with_kept_rows(table, now):
            if kept:
                sql = f"({sql}) OR " + " OR ".join(
                    f"(id = {row_id} AND {column} = {value})" for row_id, value in kept
                )
            checks.append((op.f(f"ck_{table}_{name}"), sql))
        booked = table == "ledger_entries"
        if dialect == "sqlite":
            with op.batch_alter_table(table, recreate="always") as batch:
                for name, sql in checks:
                    batch.create_check_constraint(name, sql)
                if booked:
                    batch.alter_column(
                        "booked_member_id", existing_type=sa.Integer(), nullable=False
                    )
        else:
            for name, sql in checks:
                op.create_check_constraint(name, table, sql)
            if booked:
                op.alter_column("ledger_entries", "booked_member_id", nullable=False)

    for statement in _trigger_statements(dialect):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _drop_trigger_statements(dialect):
        op.execute(statement)
    for table in TABLE_ORDER:
        names = [op.f(f"ck_{b.table}_{b.name}") for b in BOUNDS if b.table == table]
        if dialect == "sqlite":
            with op.batch_alter_table(table, recreate="always") as batch:
                for name in names:
                    batch.drop_constraint(name, type_="check")
                if table == "ledger_entries":
                    batch.drop_column("booked_related_member_id")
                    batch.drop_column("booked_member_id")
        else:
            for name in names:
                op.drop_constraint(name, table, type_="check")
            if table == "ledger_entries":
                op.drop_column("ledger_entries", "booked_related_member_id")
                op.drop_column("ledger_entries", "booked_member_id")
    op.drop_table("data_repairs")
    # The reversals written on the way up stay: they are valid entries of the older schema too.
    for statement in _M0005._trigger_statements(dialect):
        op.execute(statement)


# ------------------------------------------------------------------------------ booked members


def _fill_booked_members() -> None:
    """Whom each entry was written for: its member, unless a merge not undone moved it, then
    the merged member of the earliest such merge (a chain A → B → C lists the entry twice)."""
    bind = op.get_bind()
    bind.execute(
        entries.update().values(
            booked_member_id=entries.c.member_id,
            booked_related_member_id=entries.c.related_member_id,
        )
    )
    rows = bind.execute(
        sa.select(merges.c.merged_id, merges.c.moved)
        .where(merges.c.undone_at.is_(None))
        .order_by(merges.c.id.desc())
    ).all()
    for merged_id, moved in rows:
        moved_rows = (moved or {}).get("rows", {})
        for key, column in (
            ("ledger_entries", "booked_member_id"),
            ("ledger_invitees", "booked_related_member_id"),
        ):
            ids = sorted(moved_rows.get(key, []))
            for start in range(0, len(ids), CHUNK):
                bind.execute(
                    entries.update()
                    .where(entries.c.id.in_(ids[start : start + CHUNK]))
                    .values({column: merged_id})
                )


# ------------------------------------------------------------------------------ repairs


def _log(now, table: str, row_id: int, column: str, old, action: str, reason: str) -> None:
    op.get_bind().execute(
        repairs.insert().values(
            repaired_at=now,
            revision=revision,
            table_name=table,
            row_id=row_id,
            column_name=column,
            old_value=str(old),
            action=action,
            reason=reason,
        )
    )
    log.warning("%s %s #%s.%s = %s: %s", action, table, row_id, column, old, reason)


def _clamp(now, table: str, row_id: int, column: str, old, clamped, reason: str) -> None:
    op.get_bind().execute(
        sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
        {"value": clamped, "id": row_id},
    )
    _log(now, table, row_id, column, old, "clamped", reason)


def _outside(table: str, column: str, sql: str):
    return (
        op.get_bind()
        .execute(sa.text(f"SELECT id, {column} FROM {table} WHERE NOT ({sql}) ORDER BY id"))
        .all()
    )


def _clamp_wide_values(now) -> dict[int, int]:
    """A value past a 32-bit INTEGER (SQLite stored any) becomes that limit: sums of such
    values overflow, and PostgreSQL could not hold it at all. Returns the entries' originals."""
    bind = op.get_bind()
    originals: dict[int, int] = {}
    for bound in BOUNDS:
        if bound.table in CLAMPED_TABLES:
            continue  # clamped to its bound just after
        table, column, limit = bound.table, bound.column, bound.wide
        wide = bind.execute(
            sa.text(
                f"SELECT id, {column} FROM {table} WHERE {column} > {limit} OR {column} < {-limit}"
            )
        ).all()
        for row_id, value in wide:
            clamped = limit if value > 0 else -limit
            reason = f"{value} 超出整数范围，改为 {clamped}"
            _clamp(now, table, row_id, column, value, clamped, reason)
            if table == "ledger_entries":
                originals[row_id] = value
    return originals


def _clamp_rewards(now) -> None:
    """A reward past a bound is clamped to it; one whose price or cost changed goes off sale."""
    bind = op.get_bind()
    off_sale: set[int] = set()
    for table, _, column, sql, low, high, _wide in BOUNDS:
        if table not in CLAMPED_TABLES:
            continue
        for row_id, value in _outside(table, column, sql):
            clamped = min(max(value, low), high)
            reason = f"{value} 超出上限 {high}，改为 {clamped}"
            if column in ("points_cost", "cost_cents"):  # a price: off sale until checked
                off_sale.add(row_id)
                reason += "，奖品已下架，请核对后再上架"
            _clamp(now, table, row_id, column, value, clamped, reason)
    if off_sale:
        bind.execute(
            sa.text("UPDATE ledger_rewards SET active = :no WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"no": False, "ids": sorted(off_sale)},
        )


def _new_rule_versions(now) -> None:
    """The current version of a rule past a bound gets a successor within the bounds, disabled
    until the owner checks it; the old versions stay (entries name them)."""
    bind = op.get_bind()
    bad: dict[int, list[tuple[str, int, int, int]]] = {}
    for table, _, column, sql, low, high, _wide in BOUNDS:
        if table == "ledger_rules":
            for row_id, value in _outside(table, column, sql):
                bad.setdefault(row_id, []).append((column, value, low, high))
    if not bad:
        return
    newest = (
        sa.select(rules.c.code, sa.func.max(rules.c.version).label("version"))
        .group_by(rules.c.code)
        .subquery()
    )
    current = bind.execute(
        sa.select(*rules.c)
        .join(newest, sa.and_(newest.c.code == rules.c.code, newest.c.version == rules.c.version))
        .where(rules.c.id.in_(sorted(bad)))
    ).mappings()
    for row in list(current):
        values = {c: row[c] for c in RULE_COLUMNS if c != "id"}
        for column, value, low, high in bad[row["id"]]:
            values[column] = min(max(value, low), high)
        values.update(version=row["version"] + 1, enabled=False, created_at=now, operator=OPERATOR)
        new_id = bind.execute(rules.insert().values(**values).returning(rules.c.id)).scalar_one()
        for column, value, _low, high in bad[row["id"]]:
            _log(
                now,
                "ledger_rules",
                row["id"],
                column,
                value,
                "new_version",
                f"积分规则「{row['name']}」的 {column} = {value} 超出上限 {high}："
                f"已写入新版本 {values['version']}（规则 {new_id}），值为 {values[column]}，"
                "并暂停该规则，请核对后再启用",
            )


def _log_award(now, award, action: str, reason: str) -> None:
    _log(now, "ledger_entries", award["id"], "points", award["points"], action, reason)


def _neutralise_awards(now, originals: dict[int, int]) -> None:
    """An award past the bound that is not reversed yet: a reversal when none of it was used,
    else a negative adjustment of what is left. Points nobody should have had are gone."""
    bind = op.get_bind()
    reversal = entries.alias("reversal")
    used = (
        sa.select(sa.func.coalesce(sa.func.sum(allocations.c.points), 0))
        .where(allocations.c.credit_id == entries.c.id)
        .scalar_subquery()
    )
    awards = bind.execute(
        sa.select(*entries.c, used.label("used"))
        .where(
            entries.c.kind.in_(("earn", "adjust")),
            entries.c.points > MAX_ENTRY,
            ~sa.exists().where(reversal.c.reverses_id == entries.c.id),
        )
        .order_by(entries.c.id)
    ).mappings()
    for award in list(awards):
        left = award["points"] - award["used"]
        if left <= 0:
            used_up = (
                f"积分 {award['points']} 超出单笔上限 {MAX_ENTRY}，但已全部用掉或过期，无需冲正"
            )
            _log_award(now, award, "used_up", used_up)
            continue
        whole = left == award["points"]
        points = f"{award['points']} 分"
        if award["id"] in originals:
            points += f"（原为 {originals[award['id']]} 分）"
        reason = (
            f"升级时冲正：流水 {award['id']} 的 {points}超出单笔上限 {MAX_ENTRY} 分"
            if whole
            else f"升级时作废：流水 {award['id']} 的 {points}超出单笔上限 "
            f"{MAX_ENTRY} 分，已用 {award['used']} 分，剩余 {left} 分作废"
        )
        values = {
            "member_id": award["member_id"],
            "kind": "reversal" if whole else "adjust",
            "points": -left,
            "qualifying": award["qualifying"],
            "source": "system",
            "reference": f"entry:{award['id']}",
            "reverses_id": award["id"] if whole else None,
            "related_member_id": award["related_member_id"],
            "operator": OPERATOR,
            "reason": reason,
            "occurred_at": now,
            "recorded_at": now,
            "pending_until": award["pending_until"] if whole else None,
            "booked_member_id": award["member_id"],
            "booked_related_member_id": award["related_member_id"],
        }
        entry_id = bind.execute(
            entries.insert().values(**values).returning(entries.c.id)
        ).scalar_one()
        bind.execute(
            allocations.insert().values(entry_id=entry_id, credit_id=award["id"], points=left)
        )
        _log_award(now, award, "reversed" if whole else "adjusted", f"{reason}（流水 {entry_id}）")


def _checks_with_kept_rows(table: str, now):
    """Each new constraint of `table` with the rows kept past it: [(id, value)]."""
    for bound_table, name, column, sql, _low, high, _wide in BOUNDS:
        if bound_table != table:
            continue
        kept = [(row_id, value) for row_id, value in _outside(table, column, sql)]
        for row_id, value in kept:
            _log(
                now,
                table,
                row_id,
                column,
                value,
                "kept",
                f"超出上限 {high} 的历史数据原样保留，约束中按编号列出，其他数据不能再超出",
            )
        yield name, column, sql, kept


# ------------------------------------------------------------------------------ triggers


def _merge_clause(column: str) -> str:
    """SQL: OLD → NEW of `column` follows a merge not undone (either way: merge or undo)."""
    return (
        "EXISTS (SELECT 1 FROM member_merges m WHERE m.undone_at IS NULL AND ("
        f"(m.merged_id = OLD.{column} AND m.kept_id = NEW.{column})"
        f" OR (m.kept_id = OLD.{column} AND m.merged_id = NEW.{column})))"
    )


def _move_allowed(column: str) -> str:
    """SQL: the change of `column` is allowed (a merge, or ON DELETE SET NULL of an invitee)."""
    allowed = _merge_clause(column)
    if column == "related_member_id":
        allowed += (
            " OR (NEW.related_member_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM members WHERE id = OLD.related_member_id))"
        )
    return allowed


def _trigger_statements(dialect: str) -> list[str]:
    statements = []
    if dialect == "postgresql":
        statements.append(LEDGER_APPEND_ONLY_FUNCTION)
        statements.append(
            "CREATE FUNCTION ledger_refund_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF OLD.refund_entry_id IS NOT NULL"
            " AND NEW.refund_entry_id IS DISTINCT FROM OLD.refund_entry_id THEN"
            " RAISE EXCEPTION 'ledger_redemptions is append-only: a refund, once written, stays'"
            " USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$"
        )
    elif dialect != "sqlite":
        raise RuntimeError(f"no append-only triggers written for {dialect}")
    for table, (columns, allowed) in APPEND_ONLY.items():
        statements += append_only_triggers(dialect, table, [c for c in columns if c not in allowed])
    for name, (table, column) in MOVES.items():
        message = f"{table} is append-only: {column} changes only along a recorded merge"
        if dialect == "sqlite":
            statements.append(
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {column} ON {table}"
                f" WHEN NEW.{column} IS NOT OLD.{column} AND NOT ({_move_allowed(column)})"
                f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        else:
            statements += [
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF NEW.{column} IS DISTINCT FROM OLD.{column}"
                f" AND NOT ({_move_allowed(column)}) THEN"
                f" RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';"
                " END IF; RETURN NEW; END $$",
                f"CREATE TRIGGER {name} BEFORE UPDATE OF {column} ON {table}"
                f" FOR EACH ROW EXECUTE FUNCTION {name}()",
            ]
    if dialect == "sqlite":
        statements.append(
            "CREATE TRIGGER ledger_redemptions_refund_once BEFORE UPDATE OF refund_entry_id"
            " ON ledger_redemptions WHEN OLD.refund_entry_id IS NOT NULL"
            " AND NEW.refund_entry_id IS NOT OLD.refund_entry_id"
            " BEGIN SELECT RAISE(ABORT,"
            " 'ledger_redemptions is append-only: a refund, once written, stays'); END"
        )
    else:
        statements.append(
            "CREATE TRIGGER ledger_redemptions_refund_once BEFORE UPDATE OF refund_entry_id"
            " ON ledger_redemptions FOR EACH ROW EXECUTE FUNCTION ledger_refund_once()"
        )
    return statements


def _drop_trigger_statements(dialect: str) -> list[str]:
    statements = [s for table in APPEND_ONLY for s in drop_append_only_triggers(dialect, table)]
    statements += [drop_trigger(dialect, name, table) for name, (table, _) in MOVES.items()]
    statements.append(drop_trigger(dialect, "ledger_redemptions_refund_once", "ledger_redemptions"))
    if dialect == "sqlite":
        return statements
    functions = ["ledger_append_only", "ledger_refund_once", *MOVES]
    return statements + [f"DROP FUNCTION IF EXISTS {name}()" for name in functions]


def _drop_0005_triggers(dialect: str) -> list[str]:
    return _M0005._drop_trigger_statements(dialect)
