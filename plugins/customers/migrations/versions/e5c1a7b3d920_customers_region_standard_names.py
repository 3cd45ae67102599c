"""customers region: standard names of the national division list (issue 21 #5)

Revision ID: e5c1a7b3d920
Revises: d4b8e2a61f35
Create Date: 2026-12-06 23:30:00

Maps the regions typed before the picker to the names of the division list
(GB/T 2260): 浙江 → 浙江省, 杭州 → 杭州市, 萧山 → 萧山区.  Each level is mapped
as far as it resolves (a known province with an unknown city gets its
province fixed and keeps the city as typed).  Nothing to undo: the old
spellings are not kept.
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5c1a7b3d920'
down_revision = 'd4b8e2a61f35'
branch_labels = None
depends_on = None


def upgrade() -> None:
    map_regions(op.get_bind())


def map_regions(bind) -> None:
    from plugins.customers.services.divisions import normalise

    rows = bind.execute(sa.text(
        "SELECT DISTINCT province, city, county FROM customers_customer "
        "WHERE province <> '' OR city <> '' OR county <> ''")).all()
    for province, city, county in rows:
        new = [province, city, county]
        for depth in (3, 2, 1):
            std = normalise(*(list((province, city, county)[:depth]) + [""] * (3 - depth)))
            if std is not None:
                new[:depth] = std[:depth]
                break
        if tuple(new) != (province, city, county):
            bind.execute(sa.text(
                "UPDATE customers_customer SET province = :np, city = :nc, county = :nk "
                "WHERE province = :p AND city = :c AND county = :k"),
                {"np": new[0], "nc": new[1], "nk": new[2], "p": province, "c": city, "k": county})


def downgrade() -> None:
    pass
