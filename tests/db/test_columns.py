"""The column and constraint shapes the models share (db/columns.py)."""

from __future__ import annotations

from sqlalchemy import MetaData, String, create_engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.columns import in_list, link_key, one_of, references, text_length
from db.models import NAMING_CONVENTION


class _Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _Owner(_Base):
    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True)


class _Thing(_Base):
    __tablename__ = "things"
    __table_args__ = (one_of("kind", ("a", "b")), text_length("label", 3))

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = references("owners", ondelete="CASCADE", index=True)
    keeper_id: Mapped[int | None] = references("owners", ondelete="SET NULL")
    plain_id: Mapped[int | None] = references("owners")
    kind: Mapped[str] = mapped_column(String(1))
    label: Mapped[str] = mapped_column(String(3))


class _Link(_Base):
    __tablename__ = "owner_things"

    owner_id: Mapped[int] = link_key("owners")
    thing_id: Mapped[int] = link_key("things", index=True)


def _foreign_key(table, column: str):
    (key,) = table.c[column].foreign_keys
    return key.target_fullname, key.ondelete


def test_references_is_a_foreign_key_to_the_targets_id_with_its_ondelete_and_options():
    things = _Thing.__table__
    assert _foreign_key(things, "owner_id") == ("owners.id", "CASCADE")
    assert _foreign_key(things, "keeper_id") == ("owners.id", "SET NULL")
    assert _foreign_key(things, "plain_id") == ("owners.id", None)
    assert things.c.owner_id.index and not things.c.keeper_id.index
    assert not things.c.owner_id.nullable and things.c.keeper_id.nullable


def test_link_key_is_a_cascading_primary_key_column():
    links = _Link.__table__
    assert [column.name for column in links.primary_key] == ["owner_id", "thing_id"]
    assert _foreign_key(links, "owner_id") == ("owners.id", "CASCADE")
    assert _foreign_key(links, "thing_id") == ("things.id", "CASCADE")
    assert [index.name for index in links.indexes] == ["ix_owner_things_thing_id"]


def test_the_checks_are_named_by_the_convention_and_hold_in_the_database():
    assert in_list("kind", ("a", "b")) == "kind IN ('a', 'b')"
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    names = {constraint.name for constraint in _Thing.__table__.constraints}
    assert {"ck_things_kind", "ck_things_label_length"} <= names

    def insert_thing(kind: str, label: str) -> bool:
        try:
            with engine.begin() as connection:
                connection.execute(insert(_Owner).values(id=1).prefix_with("OR IGNORE"))
                connection.execute(insert(_Thing).values(owner_id=1, kind=kind, label=label))
        except IntegrityError:
            return False
        return True

    assert insert_thing("a", "abc")
    assert not insert_thing("c", "abc")  # not one of the kinds
    assert not insert_thing("b", "")  # empty
    assert not insert_thing("b", "abcd")  # longer than 3
    with engine.connect() as connection:
        assert connection.execute(select(_Thing.kind)).scalars().all() == ["a"]
    engine.dispose()
