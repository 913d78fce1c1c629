"""The Alembic migrations build exactly the schema the models describe, on both databases."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from motcua.core.db import make_engine
from motcua.migrate import MIGRATIONS, alembic_config, upgrade
from motcua.models import metadata


def differences(engine) -> list:
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_the_migrations_form_one_line_of_history(tmp_path):
    script = ScriptDirectory.from_config(alembic_config(make_engine(f"sqlite:///{tmp_path}/x.sqlite")))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert MIGRATIONS.is_dir()


def test_upgrading_an_empty_sqlite_database_gives_the_models_schema(tmp_path):
    assert differences(make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")) == []


def test_upgrading_twice_changes_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.sqlite'}")
    upgrade(engine)
    assert differences(engine) == []


@pytest.mark.postgres
def test_upgrading_an_empty_postgresql_database_gives_the_models_schema(postgres_engine):
    metadata.drop_all(postgres_engine)
    assert differences(postgres_engine) == []
