"""Server-side sessions, the shared login throttle, confusable skeletons of account names.

Owned by the web app (spasmnav.web.sessions and spasmnav.web.accounts).

Revision ID: 0004_security
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_security"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _skeleton(name: str) -> str:
    # The function of this revision's day, kept here so a later change to the app cannot change
    # what this migration wrote.
    from confusable_homoglyphs.confusables import confusables_data

    out = []
    for c in unicodedata.normalize("NFKC", name).lower().replace("ё", "е"):
        mapped = c
        if not ("a" <= c <= "z"):
            for glyph in confusables_data.get(c, ()):
                g = glyph.get("c", "")
                if len(g) == 1 and g.isascii() and g.isalpha():
                    mapped = g.lower()
                    break
        out.append(mapped)
    return "".join(out)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_web_sessions_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_skeleton", sa.String(length=64), nullable=True))
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("username_skeleton", sa.String),
    )
    bind = op.get_bind()
    seen: set[str] = set()
    for uid, name in bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)):
        skeleton = _skeleton(name)
        if skeleton in seen:  # an older look-alike keeps its name; only new ones are refused
            continue
        seen.add(skeleton)
        bind.execute(sa.update(users).where(users.c.id == uid).values(username_skeleton=skeleton))
    with op.batch_alter_table("users") as batch:
        batch.create_unique_constraint("uq_users_username_skeleton", ["username_skeleton"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_username_skeleton", type_="unique")
        batch.drop_column("username_skeleton")
    op.drop_table("login_throttle")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
