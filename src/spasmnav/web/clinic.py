"""The clinic: shares by one-time code, the access log, alerts and the clinician's list.

A patient makes a one-time code on their own page; a clinician who enters it is linked to that
patient until the patient revokes the share. Every query here that reaches a patient's data
goes through :meth:`Clinic.patient_for`, which answers only for an active share of *this*
clinician, so an unlinked clinician, a revoked share and another clinician's patient all look
like a missing patient (404). Every view is written to the access log the patient reads.

The list reads the per-patient rollups (``patient_rollups``, kept up to date on every diary
write) and the latest acknowledgement of each alert: two queries for the whole list.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..diary.orm import Base, PersonRow, RollupRow
from ..diary.store import Store
from ..result import LEVEL_RANK
from .accounts import Account, UserRow

__all__ = [
    "ACCESS_TITLES",
    "ALERTS",
    "CODE_DAYS",
    "AccessLogRow",
    "Alert",
    "AlertAckRow",
    "Clinic",
    "ClinicError",
    "PatientSummary",
    "ShareRow",
    "ShareView",
    "open_alerts",
]

CODE_DAYS = 3
SILENT_DAYS = 14
RECENT_DAYS = 28
PERSISTENT_DAYS = 21
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed

ACCESS_TITLES = {
    "list": "видел(а) сводку в списке пациентов",
    "patient_page": "открыл(а) ваш дневник",
    "report_pdf": "скачал(а) отчёт PDF",
    "fhir": "выгрузил(а) данные (FHIR)",
    "ashworth": "записал(а) оценку по шкале Ашворта",
    "ack": "отметил(а) сигнал как просмотренный",
}


class ClinicError(ValueError):
    """A problem to show as it is (Russian)."""


class ShareRow(Base):
    __tablename__ = "clinic_shares"
    __table_args__ = (
        Index("ix_clinic_shares_clinician_id_revoked_at", "clinician_id", "revoked_at"),
        Index("ix_clinic_shares_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the one-time code while it waits to be used; cleared once used.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # How the patient chose to be called on this clinician's list.
    patient_label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    linked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AccessLogRow(Base):
    """«Кто смотрел мой дневник»: every clinician's view of a patient's data."""

    __tablename__ = "clinic_access_log"
    __table_args__ = (Index("ix_clinic_access_log_person_id_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as text too, so the log still says who it was after an account is gone.
    clinician_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    what: Mapped[str] = mapped_column(String(32))


class AlertAckRow(Base):
    __tablename__ = "clinic_alert_acks"
    __table_args__ = (
        Index("ix_clinic_alert_acks_person_id_alert_acked_at", "person_id", "alert", "acked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    alert: Mapped[str] = mapped_column(String(24))
    acked_at: Mapped[dt.datetime] = mapped_column(DateTime)
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    clinician_name: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


# Alerts ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlertKind:
    key: str
    title: str
    weight: int


ALERTS: dict[str, AlertKind] = {
    a.key: a
    for a in (
        AlertKind("urgent_assessment", "Новая оценка: срочно или сегодня", 100),
        AlertKind("worsening", "Ухудшение по дневнику", 60),
        AlertKind("sleep", "Эпизоды мешают спать", 30),
        AlertKind("walking", "Эпизоды мешают ходить", 30),
        AlertKind("persistent", "Симптомы дольше трёх недель", 20),
        AlertKind("silent", f"Нет записей {SILENT_DAYS} дней", 10),
    )
}


@dataclass(frozen=True, slots=True)
class Alert:
    key: str
    title: str
    detail: str
    weight: int


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def open_alerts(
    r: RollupRow | None, acks: dict[str, dt.datetime], *, now: dt.datetime
) -> list[Alert]:
    """The alerts of one patient not acknowledged since they (last) arose, worst first.

    Each alert has a moment it arose (its stamp); an acknowledgement at or after the stamp
    closes it, and it opens again only when it arises anew (a new urgent assessment, a new
    episode disturbing sleep, a new run of worsening, new silence after new entries).
    """
    today = now.date()
    found: list[tuple[str, dt.datetime | None, str]] = []
    if r is None:
        found.append(("silent", None, "В дневнике нет ни одной записи."))
    else:
        if r.urgent_at is not None:
            found.append(("urgent_assessment", r.urgent_at, f"оценка от {_ru(r.urgent_at)}"))
        if r.worsening_since is not None:
            found.append(("worsening", r.worsening_since, r.trend_text or ""))
        if r.sleep_day is not None and (today - r.sleep_day).days <= RECENT_DAYS:
            found.append(("sleep", _day_start(r.sleep_day), f"последний раз {_ru(r.sleep_day)}"))
        if r.walking_day is not None and (today - r.walking_day).days <= RECENT_DAYS:
            found.append(
                ("walking", _day_start(r.walking_day), f"последний раз {_ru(r.walking_day)}")
            )
        if r.duration_days is not None and r.duration_days >= PERSISTENT_DAYS and r.run_start:
            found.append(
                (
                    "persistent",
                    _day_start(r.run_start),
                    f"{r.duration_days} дн. с {_ru(r.run_start)}",
                )
            )
        if r.last_entry_at is None:
            found.append(("silent", None, "В дневнике нет ни одной записи."))
        elif (today - r.last_entry_at.date()).days >= SILENT_DAYS:
            found.append(
                ("silent", r.last_entry_at, f"последняя запись {_ru(r.last_entry_at.date())}")
            )
    out = []
    for key, stamp, detail in found:
        acked = acks.get(key)
        if acked is not None and (stamp is None or acked >= stamp):
            continue
        kind = ALERTS[key]
        out.append(Alert(key, kind.title, detail, kind.weight))
    out.sort(key=lambda a: -a.weight)
    return out


_MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def _ru(value: dt.date | dt.datetime) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


# Views ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareView:
    id: int
    label: str | None
    clinician: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    linked_at: dt.datetime | None
    revoked_at: dt.datetime | None
    code: str | None = None  # only right after it was made

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.linked_at is not None:
            return "active"
        if self.expires_at < dt.datetime.now():
            return "expired"
        return "pending"


@dataclass(frozen=True, slots=True)
class PatientSummary:
    person_id: int
    label: str
    linked_at: dt.datetime | None
    rollup: RollupRow | None
    alerts: list[Alert] = field(default_factory=list)

    @property
    def level(self) -> str | None:
        return self.rollup.level if self.rollup is not None else None

    @property
    def attention(self) -> tuple[int, int]:
        return (sum(a.weight for a in self.alerts), LEVEL_RANK.get(self.level or "", -1))


def _hash_code(code: str) -> str:
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _active(clinician_id: int) -> list[ColumnElement[bool]]:
    return [
        ShareRow.clinician_id == clinician_id,
        ShareRow.revoked_at.is_(None),
        ShareRow.linked_at.is_not(None),
    ]


class Clinic:
    """Shares, the access log and the clinician's list, in the diary database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # Shares (the patient's side) ---------------------------------------------------------

    def make_code(self, *, person_id: int, label: str | None = None) -> ShareView:
        """A new one-time code (shown once, stored only as a hash), valid ``CODE_DAYS`` days."""
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        code = f"{code[:4]}-{code[4:]}"
        now = _now()
        with self.store.writing() as s:
            row = ShareRow(
                person_id=person_id,
                code_hash=_hash_code(code),
                patient_label=(label or "").strip()[:200] or None,
                created_at=now,
                expires_at=now + dt.timedelta(days=CODE_DAYS),
            )
            s.add(row)
            s.flush()
            return ShareView(
                row.id, row.patient_label, None, now, row.expires_at, None, None, code=code
            )

    def shares_of(self, *, person_id: int) -> list[ShareView]:
        stmt = (
            select(ShareRow, UserRow.display_name, UserRow.username)
            .outerjoin(UserRow, UserRow.id == ShareRow.clinician_id)
            .where(ShareRow.person_id == person_id)
            .order_by(ShareRow.created_at.desc(), ShareRow.id.desc())
        )
        with self.store.reading() as s:
            return [
                ShareView(
                    row.id,
                    row.patient_label,
                    (shown or name) if row.clinician_id is not None else None,
                    row.created_at,
                    row.expires_at,
                    row.linked_at,
                    row.revoked_at,
                )
                for row, shown, name in s.execute(stmt)
            ]

    def revoke(self, *, person_id: int, share_id: int) -> bool:
        """End a share (or cancel an unused code); False if the patient has no such share."""
        with self.store.writing() as s:
            result = s.execute(
                update(ShareRow)
                .where(
                    ShareRow.id == share_id,
                    ShareRow.person_id == person_id,
                    ShareRow.revoked_at.is_(None),
                )
                .values(revoked_at=_now(), code_hash=None)
            )
            return bool(getattr(result, "rowcount", 0))

    def access_log(self, *, person_id: int, limit: int = 200) -> list[AccessLogRow]:
        with self.store.reading() as s:
            return list(
                s.scalars(
                    select(AccessLogRow)
                    .where(AccessLogRow.person_id == person_id)
                    .order_by(AccessLogRow.at.desc(), AccessLogRow.id.desc())
                    .limit(limit)
                )
            )

    # Shares (the clinician's side) -------------------------------------------------------

    def redeem(self, *, clinician: Account, code: str) -> int:
        """Link the clinician to the patient whose code this is; the patient's person id."""
        now = _now()
        with self.store.writing() as s:
            row = s.scalar(
                select(ShareRow).where(ShareRow.code_hash == _hash_code(code)).with_for_update()
            )
            if row is None or row.revoked_at is not None or row.linked_at is not None:
                raise ClinicError("Такого кода нет. Проверьте код или попросите пациента новый.")
            if row.expires_at < now:
                raise ClinicError("Срок кода истёк. Попросите пациента сделать новый код.")
            # One live share per patient and clinician: an older one gives way to the new one.
            s.execute(
                update(ShareRow)
                .where(
                    ShareRow.person_id == row.person_id,
                    ShareRow.clinician_id == clinician.id,
                    ShareRow.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
            row.clinician_id = clinician.id
            row.linked_at = now
            row.code_hash = None
            person_id = row.person_id
        self.store.refresh_rollup(person_id=person_id, only_missing=True)
        return person_id

    def patient_for(self, *, clinician: Account, person_id: int) -> ShareRow | None:
        """The clinician's active share of this patient, else None (treat as missing)."""
        with self.store.reading() as s:
            return s.scalar(
                select(ShareRow).where(ShareRow.person_id == person_id, *_active(clinician.id))
            )

    def log(self, *, clinician: Account, person_ids: Sequence[int], what: str) -> None:
        if not person_ids:
            return
        now = _now()
        rows = [
            {
                "person_id": pid,
                "clinician_id": clinician.id,
                "clinician_name": clinician.shown_name,
                "at": now,
                "what": what,
            }
            for pid in person_ids
        ]
        with self.store.writing() as s:
            if what == "list":
                # The list is looked at many times a day: once a day per patient is enough to
                # tell the patient who saw their summary, without flooding their log.
                seen = set(
                    s.scalars(
                        select(AccessLogRow.person_id)
                        .join(ShareRow, ShareRow.person_id == AccessLogRow.person_id)
                        .where(
                            *_active(clinician.id),
                            AccessLogRow.clinician_id == clinician.id,
                            AccessLogRow.what == "list",
                            AccessLogRow.at >= _day_start(now.date()),
                        )
                    )
                )
                rows = [r for r in rows if r["person_id"] not in seen]
                if not rows:
                    return
            s.execute(insert(AccessLogRow), rows)

    # The list ----------------------------------------------------------------------------

    def patients(
        self, *, clinician: Account, now: dt.datetime | None = None
    ) -> list[PatientSummary]:
        """The clinician's patients with their figures and open alerts, most in need first."""
        now = now or dt.datetime.now()
        stmt = (
            select(ShareRow.person_id, ShareRow.patient_label, ShareRow.linked_at, RollupRow)
            .outerjoin(RollupRow, RollupRow.person_id == ShareRow.person_id)
            .where(*_active(clinician.id))
        )
        acks_stmt = (
            select(AlertAckRow.person_id, AlertAckRow.alert, func.max(AlertAckRow.acked_at))
            .join(ShareRow, and_(ShareRow.person_id == AlertAckRow.person_id))
            .where(*_active(clinician.id))
            .group_by(AlertAckRow.person_id, AlertAckRow.alert)
        )
        with self.store.reading() as s:
            rows = list(s.execute(stmt))
            acks: dict[int, dict[str, dt.datetime]] = {}
            for pid, alert, at in s.execute(acks_stmt):
                acks.setdefault(pid, {})[alert] = at
        out = [
            PatientSummary(
                pid,
                label or f"Пациент №{pid}",
                linked_at,
                rollup,
                open_alerts(rollup, acks.get(pid, {}), now=now),
            )
            for pid, label, linked_at, rollup in rows
        ]
        out.sort(
            key=lambda p: (
                -p.attention[0],
                -p.attention[1],
                -(p.rollup.last_entry_at.timestamp() if p.rollup and p.rollup.last_entry_at else 0),
                p.person_id,
            )
        )
        return out

    def summary(self, *, clinician: Account, person_id: int) -> PatientSummary | None:
        share = self.patient_for(clinician=clinician, person_id=person_id)
        if share is None:
            return None
        with self.store.reading() as s:
            rollup = s.get(RollupRow, person_id)
            acks = {
                alert: at
                for alert, at in s.execute(
                    select(AlertAckRow.alert, func.max(AlertAckRow.acked_at))
                    .where(AlertAckRow.person_id == person_id)
                    .group_by(AlertAckRow.alert)
                )
            }
        return PatientSummary(
            person_id,
            share.patient_label or f"Пациент №{person_id}",
            share.linked_at,
            rollup,
            open_alerts(rollup, acks, now=dt.datetime.now()),
        )

    def acknowledge(
        self, *, clinician: Account, person_id: int, alert: str, note: str | None
    ) -> None:
        if alert not in ALERTS:
            raise ClinicError("Такого сигнала нет.")
        with self.store.writing() as s:
            s.add(
                AlertAckRow(
                    person_id=person_id,
                    alert=alert,
                    acked_at=_now(),
                    clinician_id=clinician.id,
                    clinician_name=clinician.shown_name,
                    note=(note or "").strip()[:2000] or None,
                )
            )

    def acks_of(self, *, person_id: int, limit: int = 50) -> list[AlertAckRow]:
        with self.store.reading() as s:
            return list(
                s.scalars(
                    select(AlertAckRow)
                    .where(AlertAckRow.person_id == person_id)
                    .order_by(AlertAckRow.acked_at.desc(), AlertAckRow.id.desc())
                    .limit(limit)
                )
            )

    def person_exists(self, person_id: int) -> bool:
        with self.store.reading() as s:
            return s.get(PersonRow, person_id) is not None
