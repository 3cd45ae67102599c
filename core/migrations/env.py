"""Alembic environment: one branch per plugin plus ``core``.

``core.migrate`` builds the Config (URL, version locations of every
installed plugin, target metadata); nothing is read from an .ini file.
"""
from alembic import context

config = context.config
metadata = config.attributes["metadata"]
only_prefix = config.attributes.get("table_prefix")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and only_prefix:
        return name.startswith(only_prefix)
    if type_ == "table" and name.startswith("alembic_"):
        return False
    return True


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        version_table=config.attributes.get("version_table", "alembic_version"),
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
