"""The alembic environment shared by the plugins' migration folders.

Each ``migration/<plugin>/env.py`` calls :func:`run`; the version table is
``<plugin>_alembic_version`` so the extension's history never mixes with
CKAN core's, and autogenerate only looks at tables named ``<plugin>*``.
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata


def run(env_file: str) -> None:
    """Run the migrations of the folder that holds ``env_file``."""
    config = context.config
    if config.config_file_name is not None:  # None: configured in code
        fileConfig(config.config_file_name)
    name = os.path.basename(os.path.dirname(env_file))
    options = dict(
        target_metadata=metadata,
        version_table="{}_alembic_version".format(name),
        include_object=lambda obj, obj_name, type_, reflected, compare_to: (
            type_ != "table" or obj_name.startswith(name)),
    )
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"),
                          literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
