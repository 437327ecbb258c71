"""Accounts for multi-user (clinic) mode: a login name, an argon2 hash and the person it owns.

Each account owns exactly one diary person (``people`` row); every diary route resolves that
person from the session, never from anything the client sends. The table is created by the
Alembic revision ``0003_accounts`` in the diary's migrations.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..diary.orm import Base
from ..diary.store import Store

__all__ = [
    "ROLES",
    "ROLE_TITLES",
    "Account",
    "AccountError",
    "Accounts",
    "UserRow",
    "check_new_password",
    "normalize_password",
    "normalize_username",
    "username_skeleton",
]

USERNAME_RE = re.compile(r"^[a-zа-яё0-9._@-]{3,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# zxcvbn's estimate below 10**6 guesses (score 0 or 1): a keyboard walk, a date, a dictionary
# word with a digit. The estimate looks at the first characters only (it is slow on long input).
_MIN_SCORE = 2
_SCORE_PREFIX = 64

# A patient keeps a diary; a clinician follows the patients who shared theirs; an
# administrator creates clinicians' accounts. Sign-up makes patients only.
ROLES = ("patient", "clinician", "admin")
ROLE_TITLES = {"patient": "пациент", "clinician": "врач", "admin": "администратор"}


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The name's confusable skeleton (Unicode TR39 style): Cyrillic «аdmin» and Latin «admin»
    # have the same one, so the second cannot be created. NULL only for names kept from before.
    username_skeleton: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    # Raised at logout: every session cookie issued before stops working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    role: Mapped[str] = mapped_column(String(16), default="patient", server_default="patient")
    # The name a clinician is shown by to patients (a patient's stays private).
    display_name: Mapped[str | None] = mapped_column(String(200))


class AccountError(ValueError):
    """A problem to show as it is (Russian)."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    username: str
    person_id: int
    epoch: int
    password_hash: str
    role: str = "patient"
    display_name: str | None = None

    @property
    def is_patient(self) -> bool:
        return self.role == "patient"

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


def normalize_username(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().lower()


@functools.cache
def _skeleton_map() -> dict[str, str]:
    """Each character that looks like a Latin letter, mapped to that letter (from the Unicode
    confusables data shipped by ``confusable_homoglyphs``)."""
    from confusable_homoglyphs.confusables import confusables_data

    mapping: dict[str, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or ("a" <= char <= "z"):
            continue
        for glyph in glyphs:
            c = glyph.get("c", "")
            if len(c) == 1 and c.isascii() and c.isalpha():
                mapping[char] = c.lower()
                break
    return mapping


def username_skeleton(name: str) -> str:
    """What a name looks like: two names with one skeleton can be told apart by no one."""
    mapping = _skeleton_map()
    folded = unicodedata.normalize("NFKC", name).lower().replace("ё", "е")
    return "".join(mapping.get(c, c) for c in folded)


def normalize_password(password: str) -> str:
    """What is hashed and checked: NFKC (NIST SP 800-63B), so the same password typed on two
    keyboards (full-width digits, composed or decomposed letters) is the same password."""
    return unicodedata.normalize("NFKC", password)


def _visible(password: str) -> str:
    # Control and format characters (NUL, zero-width space, direction marks) and line breaks
    # are invisible: they do not count towards the length.
    return "".join(
        c for c in normalize_password(password) if unicodedata.category(c) not in _INVISIBLE
    )


_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@functools.cache
def _common_passwords() -> frozenset[str]:
    """30,000 most common passwords of public breaches, as shipped by zxcvbn."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, *, username: str = "") -> None:
    """NIST SP 800-63B: at least 10 visible characters, not common or breached, not easy to
    guess; no composition rules. Raises AccountError with the reason in Russian."""
    visible = _visible(password)
    if len(visible.strip()) < MIN_PASSWORD:
        raise AccountError(
            f"Пароль должен быть не короче {MIN_PASSWORD} знаков (пробелы по краям и невидимые "
            "символы не считаются). Удобно взять несколько слов подряд."
        )
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Пароль должен быть не длиннее {MAX_PASSWORD} знаков.")
    lowered = visible.lower()
    if lowered in _common_passwords() or lowered.strip() in _common_passwords():
        raise AccountError(
            "Этот пароль есть в списках самых частых и утёкших паролей. Выберите другой: "
            "например, три-четыре случайных слова."
        )
    from zxcvbn import zxcvbn

    inputs = [username, normalize_username(username)] if username else []
    if zxcvbn(visible[:_SCORE_PREFIX], user_inputs=inputs)["score"] < _MIN_SCORE:
        raise AccountError(
            "Пароль слишком легко угадать (повторы, ряд клавиш, дата, имя). Выберите другой: "
            "например, три-четыре случайных слова."
        )


def check_new_credentials(username: str, password: str) -> str:
    name = normalize_username(username)
    if not USERNAME_RE.match(name) or not any(c.isalnum() for c in name):
        raise AccountError(
            "Имя пользователя: от 3 до 64 знаков — буквы, цифры, точка, дефис, подчёркивание, @ "
            "(хотя бы одна буква или цифра)."
        )
    check_new_password(password, username=name)
    return name


def _account(row: UserRow) -> Account:
    return Account(
        row.id,
        row.username,
        row.person_id,
        row.session_epoch,
        row.password_hash,
        row.role or "patient",
        row.display_name,
    )


class Accounts:
    """Storage of accounts, in the diary database (keyword-only arguments, like the store)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, user_id: int) -> Account | None:
        with self.store.reading() as s:
            row = s.get(UserRow, user_id)
            return _account(row) if row is not None else None

    def by_username(self, username: str) -> Account | None:
        with self.store.reading() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == normalize_username(username)))
            if row is None:  # «аdmin» typed with a Cyrillic «а» is still admin
                row = s.scalar(
                    select(UserRow).where(UserRow.username_skeleton == username_skeleton(username))
                )
            return _account(row) if row is not None else None

    def create(
        self,
        *,
        username: str,
        password_hash: str,
        role: str = "patient",
        display_name: str | None = None,
    ) -> Account:
        """A new account and its own new diary person; AccountError if the name is taken.

        Every account owns a person row (the schema wants one), but only a patient's is a diary:
        the diary routes refuse clinicians and administrators.
        """
        if role not in ROLES:
            raise AccountError(f"Нет такой роли: {role}.")
        name = normalize_username(username)
        skeleton = username_skeleton(name)
        if self.by_username(name) is not None or self._skeleton_taken(skeleton):
            raise AccountError("Такое имя уже занято. Выберите другое.")
        # A random person key: the diary never learns the login name.
        person_id = self.store.ensure_person(key="user:" + secrets.token_hex(12))
        try:
            with self.store.writing() as s:
                row = UserRow(
                    username=name,
                    username_skeleton=skeleton,
                    password_hash=password_hash,
                    person_id=person_id,
                    session_epoch=0,
                    created_at=dt.datetime.now().replace(microsecond=0),
                    role=role,
                    display_name=(display_name or "").strip()[:200] or None,
                )
                s.add(row)
                s.flush()
                return _account(row)
        except IntegrityError:
            raise AccountError("Такое имя уже занято. Выберите другое.") from None

    def _skeleton_taken(self, skeleton: str) -> bool:
        with self.store.reading() as s:
            return (
                s.scalar(select(UserRow.id).where(UserRow.username_skeleton == skeleton))
                is not None
            )

    def set_password_hash(self, *, user_id: int, password_hash: str) -> None:
        with self.store.writing() as s:
            s.execute(
                update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
            )

    def list_by_role(self, role: str) -> list[Account]:
        with self.store.reading() as s:
            rows = s.scalars(select(UserRow).where(UserRow.role == role).order_by(UserRow.id))
            return [_account(r) for r in rows]
