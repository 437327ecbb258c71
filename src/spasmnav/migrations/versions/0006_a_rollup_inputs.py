"""A diary write's rollup reads everything it needs in one round trip (PostgreSQL).

Every diary write recomputes the person's clinic rollup (``spasmnav.diary.rollups``) in its own
transaction: it locks the person's ``patient_rollups`` row (so two writers of one diary do not
both compute from what they saw before the other committed), then reads the facts and the
kept per-day sums, runs the trend test in Python and writes the row. Locking and reading were
two statements (and the exercise sessions a third): under READ COMMITTED the read must start
after the lock is held, or it would not see what the previous holder committed, so one plain
SELECT cannot do both. ``spasmnav_rollup_inputs`` does both in one call: a PL/pgSQL function
takes a fresh snapshot for each statement it runs, so its read starts after its lock. It also
returns the days and the recent sessions as arrays (one row, not 181) and keeps its plans
between calls. SQLite needs none of it (its writers hold the database's write lock) and keeps
the portable statements of ``rollups.py``; a test checks that both give the same inputs.

Frozen here, as the rollup code is at this revision: the urgent levels (``urgent``,
``emergency``) and the self-reported scale scores (``recorded_by = 'self'``). The number of
day rows and of session days are arguments, so the window stays the Python code's.

Revision ID: 0006_a
Revises: 0005_imports
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_a"
down_revision: str | None = "0005_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE FUNCTION spasmnav_rollup_inputs(
    pid integer, at timestamp, max_days integer, session_days integer
) RETURNS TABLE (
    f_worsening_since timestamp,
    f_total bigint,
    f_first_day date,
    f_last_started timestamp,
    f_note_first date,
    f_note_last date,
    f_last_session timestamp,
    f_last_intake timestamp,
    f_level text,
    f_level_at timestamp,
    f_urgent_at timestamp,
    f_last_scale timestamp,
    f_days date[],
    f_episodes integer[],
    f_intensity_sum integer[],
    f_intensity_n integer[],
    f_sleep integer[],
    f_walking integer[],
    f_sessions timestamp[]
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    ws timestamp;
BEGIN
    -- The person's row locked (made first when missing, without a race), then everything
    -- read in one statement: a new snapshot, taken once the lock is held.
    SELECT r.worsening_since INTO ws FROM patient_rollups r WHERE r.person_id = pid FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO patient_rollups (person_id, updated_at, total_episodes, recent_episodes,
                                     trend)
        VALUES (pid, at, 0, 0, 'not_enough_data') ON CONFLICT (person_id) DO NOTHING;
        SELECT r.worsening_since INTO ws FROM patient_rollups r
        WHERE r.person_id = pid FOR UPDATE;
    END IF;
    RETURN QUERY
    SELECT
        ws,
        (SELECT coalesce(sum(d.episodes), 0) FROM episode_days d
         WHERE d.person_id = pid AND d.episodes > 0)::bigint,
        (SELECT min(d.day) FROM episode_days d WHERE d.person_id = pid AND d.episodes > 0),
        (SELECT max(e.started_at) FROM episodes e WHERE e.person_id = pid),
        (SELECT min(n.day) FROM day_notes n WHERE n.person_id = pid),
        (SELECT max(n.day) FROM day_notes n WHERE n.person_id = pid),
        x.last_session,
        (SELECT max(m.taken_at) FROM medicine_intakes m WHERE m.person_id = pid),
        la.level::text,
        la.assessed_at,
        (SELECT max(u.assessed_at) FROM assessments u
         WHERE u.person_id = pid AND u.level IN ('urgent', 'emergency')),
        (SELECT max(sc.recorded_at) FROM scale_scores sc
         WHERE sc.person_id = pid AND sc.recorded_by = 'self'),
        k.days, k.episodes, k.intensity_sum, k.intensity_n, k.sleep, k.walking,
        -- Every session that can fall in the adherence window: it ends on the last diary
        -- day, which is never before the last session's day.
        (SELECT array_agg(t.done_at ORDER BY t.done_at) FROM exercise_sessions t
         WHERE t.person_id = pid
           AND t.done_at >= date_trunc('day', x.last_session)
                            - make_interval(days => session_days - 1))
    FROM (SELECT max(t.done_at) AS last_session FROM exercise_sessions t
          WHERE t.person_id = pid) x
    LEFT JOIN LATERAL (
        SELECT a.level, a.assessed_at FROM assessments a WHERE a.person_id = pid
        ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1
    ) la ON true
    -- The day rows' columns as arrays, element by element of the same rows (one
    -- aggregation feeds every array the same row in turn); in no particular order,
    -- which the caller sorts (six sorts here would cost more than the read).
    CROSS JOIN LATERAL (
        SELECT array_agg(l.day) AS days,
               array_agg(l.episodes) AS episodes,
               array_agg(l.intensity_sum) AS intensity_sum,
               array_agg(l.intensity_n) AS intensity_n,
               array_agg(l.sleep) AS sleep,
               array_agg(l.walking) AS walking
        FROM (SELECT d.day, d.episodes, d.intensity_sum, d.intensity_n, d.sleep, d.walking
              FROM episode_days d WHERE d.person_id = pid AND d.episodes > 0
              ORDER BY d.day DESC LIMIT max_days) l
    ) k;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS spasmnav_rollup_inputs(integer, timestamp, integer, integer)"
        )
