"""The diary's records as validated pydantic models: the library's input and output types.

Identifiers are language-neutral English (``cramp``, ``left``, ``caffeine``); each has a Russian
title, and the parsers also accept the Russian words a person types («судорога», «левая»,
«кофе»). Validation messages are Russian, so the CLI and the web app can show them as they are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .fields import Cli, Column, Info, Listed, check_described, field_titles, kept_texts

__all__ = [
    "FIELD_TITLES",
    "KEPT_TEXTS",
    "KINDS",
    "KIND_TITLES",
    "LEGS",
    "LEG_TITLES",
    "MEDICINES_LISTED",
    "MEDICINE_NAME_LENGTH",
    "RATERS",
    "RATER_TITLES",
    "RECORD_MODELS",
    "SCALES",
    "SCALE_TITLES",
    "TRIGGERS",
    "TRIGGER_HELP",
    "TRIGGER_TITLES",
    "WHEN_HELP",
    "Assessment",
    "DayNote",
    "DiaryError",
    "Episode",
    "ExerciseSession",
    "InputError",
    "Kind",
    "Leg",
    "MedicineIntake",
    "NotFoundError",
    "Profile",
    "Record",
    "ScaleScore",
    "Trigger",
    "explain_validation",
    "parse_kind",
    "parse_leg",
    "parse_rater",
    "parse_scale",
    "parse_trigger",
]

Kind = Literal["twitch", "cramp", "spasm", "tremor", "stiffness"]
Leg = Literal["left", "right", "both"]
Trigger = Literal[
    "caffeine", "alcohol", "stress", "poor_sleep", "exertion", "long_standing", "cold", "heat"
]
Scale = Literal["ashworth", "penn"]
Rater = Literal["clinician", "self"]

KINDS: tuple[Kind, ...] = ("twitch", "cramp", "spasm", "tremor", "stiffness")
LEGS: tuple[Leg, ...] = ("left", "right", "both")
TRIGGERS: tuple[Trigger, ...] = (
    "caffeine",
    "alcohol",
    "stress",
    "poor_sleep",
    "exertion",
    "long_standing",
    "cold",
    "heat",
)
SCALES: tuple[Scale, ...] = ("ashworth", "penn")
RATERS: tuple[Rater, ...] = ("clinician", "self")

KIND_TITLES: dict[str, str] = {
    "twitch": "подёргивание",
    "cramp": "судорога (крампи)",
    "spasm": "спазм",
    "tremor": "дрожь (тремор)",
    "stiffness": "скованность",
}
LEG_TITLES: dict[str, str] = {"left": "левая", "right": "правая", "both": "обе"}
TRIGGER_TITLES: dict[str, str] = {
    "caffeine": "кофеин",
    "alcohol": "алкоголь",
    "stress": "стресс",
    "poor_sleep": "плохой сон",
    "exertion": "нагрузка",
    "long_standing": "долгое стояние",
    "cold": "холод",
    "heat": "жара, потливость",
}
RATER_TITLES: dict[str, str] = {"self": "сам человек", "clinician": "врач"}
SCALE_TITLES: dict[str, str] = {
    "ashworth": "модифицированная шкала Ашворта",
    "penn": "шкала частоты спазмов Пенна",
}
ASHWORTH_GRADES = ("0", "1", "1+", "2", "3", "4")
PENN_GRADES = ("0", "1", "2", "3", "4")

_KIND_ALIASES = {
    "twitching": "twitch",
    "подергивание": "twitch",
    "подергивания": "twitch",
    "дергается": "twitch",
    "судорога": "cramp",
    "судороги": "cramp",
    "крампи": "cramp",
    "сводит": "cramp",
    "спазм": "spasm",
    "спазмы": "spasm",
    "тремор": "tremor",
    "дрожь": "tremor",
    "дрожание": "tremor",
    "скованность": "stiffness",
    "тугоподвижность": "stiffness",
}
_LEG_ALIASES = {
    "левая": "left",
    "лев": "left",
    "л": "left",
    "правая": "right",
    "прав": "right",
    "п": "right",
    "обе": "both",
    "оба": "both",
}
_TRIGGER_ALIASES = {
    "кофе": "caffeine",
    "кофеин": "caffeine",
    "чай": "caffeine",
    "алкоголь": "alcohol",
    "стресс": "stress",
    "сон": "poor_sleep",
    "недосып": "poor_sleep",
    "poor-sleep": "poor_sleep",
    "нагрузка": "exertion",
    "стояние": "long_standing",
    "long-standing": "long_standing",
    "холод": "cold",
    "жара": "heat",
    "пот": "heat",
    "потливость": "heat",
}


class DiaryError(Exception):
    """A problem to show the person as it is (the message is Russian)."""


class InputError(DiaryError):
    """Bad input: a value the diary cannot accept. Lists every problem found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems) or ["неверные данные"]
        super().__init__("; ".join(self.problems))


class NotFoundError(DiaryError):
    pass


def _norm(value: str) -> str:
    return value.strip().lower().replace("ё", "е")


_SCALE_ALIASES = {
    "ашворт": "ashworth",
    "ашворта": "ashworth",
    "mas": "ashworth",
    "пенн": "penn",
    "пенна": "penn",
}
_RATER_ALIASES = {
    "врач": "clinician",
    "доктор": "clinician",
    "doctor": "clinician",
    "сам": "self",
    "сама": "self",
    "я": "self",
}

_TITLES: dict[tuple[str, ...], dict[str, str]] = {
    KINDS: KIND_TITLES,
    LEGS: LEG_TITLES,
    TRIGGERS: TRIGGER_TITLES,
    SCALES: SCALE_TITLES,
    RATERS: RATER_TITLES,
}


def _parse(value: str, allowed: tuple[str, ...], aliases: dict[str, str], what: str) -> str:
    key = _norm(value)
    if key in allowed:
        return key
    if key in aliases:
        return aliases[key]
    titles = _TITLES.get(allowed, {})
    choices = ", ".join(f"{titles[a].split(' (')[0]} ({a})" if a in titles else a for a in allowed)
    raise ValueError(f"{what} «{value}» — такого нет; можно: {choices}")


def parse_kind(value: str) -> Kind:
    """``cramp`` or a Russian word such as «судорога» → the kind id; ValueError otherwise."""
    return _parse(value, KINDS, _KIND_ALIASES, "вид эпизода")  # type: ignore[return-value]


def parse_leg(value: str) -> Leg:
    return _parse(value, LEGS, _LEG_ALIASES, "нога")  # type: ignore[return-value]


def parse_trigger(value: str) -> Trigger:
    return _parse(value, TRIGGERS, _TRIGGER_ALIASES, "провокатор")  # type: ignore[return-value]


def parse_scale(value: str) -> Scale:
    """``ashworth`` or «ашворт», ``penn`` or «пенн» → the scale id; ValueError otherwise."""
    return _parse(value, SCALES, _SCALE_ALIASES, "шкала")  # type: ignore[return-value]


def parse_rater(value: str) -> Rater:
    """``clinician`` or «врач», ``self`` or «сам» → who rated; ValueError otherwise."""
    return _parse(value, RATERS, _RATER_ALIASES, "кто оценил")  # type: ignore[return-value]


def _new_uid() -> str:
    return str(uuid.uuid4())


def _clean_text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _local_naive(value: Any) -> Any:
    """Aware datetimes become the local wall-clock time; the diary stores naive local times."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    return value


_NUL_TEXT = (
    "в тексте есть невидимый символ NUL (\\0), его нельзя сохранить; удалите его "
    "(обычно он попадает при копировании из другой программы)"
)


def _has_nul(value: Any) -> bool:
    """A NUL character anywhere in a text, a list or a JSON object (PostgreSQL stores none)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _refuse_nul(data: Any) -> Any:
    if isinstance(data, Mapping) and _has_nul(data):
        raise ValueError(_NUL_TEXT)
    return data


# Model name → its fields' titles (a ValidationError names its model: ``exc.title``).
_MODEL_TITLES: dict[str, dict[str, str]] = {}


class _Described(BaseModel):
    """A diary model whose every field carries its :class:`~spasmnav.diary.fields.Info`."""

    # defer_build: a record type's validator is built when first used, so a quick
    # `diary add` builds the episode's alone, not every record type's.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        check_described(cls)
        _MODEL_TITLES[cls.__name__] = field_titles(cls)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        return _refuse_nul(data)


# The help of every command's time option (``--at``).
WHEN_HELP = (
    "Когда: «2024-05-01 23:30», «01.05.2024 23:30», «вчера 23:30» или «23:30». "
    "По умолчанию — сейчас."
)
# The title of every record's time: the Excel column says what it holds.
_WHEN = Info(
    "время",
    header="Дата и время",
    cli=Cli(("--at", "--when"), help=WHEN_HELP, edit_help=WHEN_HELP, rank=5),
    report=Column("Когда", width=29, rank=0),
    listed=Listed("Когда", 10),
)
# A record's note: in every export, not in the doctor's table (the report quotes none).
# In the terminal's list, the last of an episode's notes.
_NOTE = Info(
    "заметка", text=True, cli=Cli(rank=10), report=None, listed=Listed("Заметки", 74), kept=1
)


class Record(_Described):
    """Fields every diary record has. ``id`` is local to a database; ``uid`` travels with it.

    Each field is declared once, with its :class:`~spasmnav.diary.fields.Info`; the ORM
    columns, the API shapes, the form fields, the CSV and Excel columns and the Russian titles
    of validation messages are derived from the models (``spasmnav.diary.fields``).
    """

    table: ClassVar[str]
    time_field: ClassVar[str]

    id: Annotated[
        int | None,
        Info(
            "номер",
            table=False,
            api=False,
            primary_key=True,
            listed=Listed("№", 0, right=True),
        ),
    ] = None
    uid: Annotated[
        str,
        Field(min_length=1, max_length=36),
        Info("uid", table=False, api=False, unique=True),
    ] = Field(default_factory=_new_uid)
    note: Annotated[str | None, Field(max_length=5000), _NOTE] = None
    created_at: Annotated[
        dt.datetime | None, Info("время записи", table=False, api=False, stamp=True)
    ] = None

    @field_validator("note", mode="before")
    @classmethod
    def _strip_note(cls, value: Any) -> Any:
        return _clean_text(value)

    @field_validator("created_at", mode="before")
    @classmethod
    def _naive_created(cls, value: Any) -> Any:
        return _local_naive(value)


def _triggers_before(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"[;,\s]+", value) if v]
    if isinstance(value, Iterable):
        out: set[str] = set()
        for item in value:
            out.add(parse_trigger(item) if isinstance(item, str) else item)
        return tuple(sorted(out, key=lambda t: TRIGGERS.index(t) if t in TRIGGERS else 99))
    return value


# Triggers are stored as one boolean column each (``trigger_caffeine`` …), not as a list or a
# bitmask, so per-day aggregates stay portable SQL on SQLite and PostgreSQL alike.
TRIGGER_HELP = "Провокатор (можно несколько раз или через запятую): {choices}"
_TRIGGERS = Info(
    "провокаторы",
    words=TRIGGER_TITLES,
    flags="trigger_",
    fhir=("trigger", "Провокатор"),
    cli=Cli(
        ("--trigger", "-t"),
        help=TRIGGER_HELP,
        edit_help=TRIGGER_HELP,
        parse=parse_trigger,
        rank=6,
    ),
    report=Column("Провокаторы", width=36, rank=6),
    listed=Listed("Провокаторы", 60),
)
_LEG = Info(
    "нога",
    words=LEG_TITLES,
    length=8,
    cli=Cli(
        ("--leg", "-l"),
        help="Нога: left/right/both (левая/правая/обе).",
        parse=parse_leg,
        rank=1,
    ),
    report=Column("Нога", width=13, rank=1),
    listed=Listed("Нога", 30),
)


class Episode(Record):
    """One episode of twitching, cramp, spasm, tremor or stiffness."""

    table: ClassVar[str] = "episodes"
    time_field: ClassVar[str] = "started_at"

    started_at: Annotated[dt.datetime, _WHEN]
    kind: Annotated[
        Kind,
        Info(
            "вид эпизода",
            words=KIND_TITLES,
            length=16,
            cli=Cli(help="Что было: {choices}", parse=parse_kind, argument=True, rank=0),
            report=Column("Что", width=30, rank=2),
            listed=Listed("Что", 20),
            stats=0,
        ),
    ]
    leg: Annotated[Leg | None, _LEG] = None
    place: Annotated[
        str | None,
        Field(max_length=200),
        Info(
            "место",
            fhir=("place", "Где"),
            cli=Cli(help="Где именно: икра, стопа, бедро…", edit_help="Где именно.", rank=2),
            report=None,
            listed=Listed("Заметки", 72),
            kept=3,
        ),
    ] = None
    duration_seconds: Annotated[
        int | None,
        Field(ge=0, le=7 * 24 * 3600),
        Info(
            "длительность",
            header="Длительность, мин",
            minutes=True,
            check="duration",
            check_upper=False,
            fhir=("duration", "Длительность"),
            cli=Cli(("--duration", "-d"), help="Сколько длилось: 30с, 2мин, 1:30.", rank=4),
            report=Column("Сколько", width=17, rank=4),
            listed=Listed("Длит.", 50, right=True),
        ),
    ] = None
    intensity: Annotated[
        int | None,
        Field(ge=0, le=10),
        Info(
            "сила",
            header="Сила (0–10)",
            check="intensity",
            fhir=("intensity", "Сила, от 0 до 10"),
            cli=Cli(("--intensity", "-i"), help="Сила от 0 до 10.", edit_help="Сила 0–10.", rank=3),
            report=Column("Сила 0–10", width=15, rank=3),
            listed=Listed("Сила", 40, right=True),
            stats=1,
        ),
    ] = None
    helped: Annotated[
        str | None,
        Field(max_length=2000),
        Info(
            "что помогло",
            text=True,
            fhir=("helped", "Что помогло"),
            cli=Cli(rank=7),
            report=Column(width=40, rank=5),
            listed=Listed("Заметки", 73, prefix="помогло: "),
            kept=2,
        ),
    ] = None
    # The day notes' triggers are no input of the episodes' per-day scan.
    triggers: Annotated[tuple[Trigger, ...], dataclasses.replace(_TRIGGERS, stats=4)] = ()
    disturbs_sleep: Annotated[
        bool,
        Info(
            "мешает спать",
            fhir=("disturbs-sleep", "Мешает спать"),
            cli=Cli(("--sleep",), help="Помешало спать.", edit_help="Мешал ли спать.", rank=8),
            report=None,
            stats=2,
            listed=Listed("Заметки", 70, mark="мешал спать"),
        ),
    ] = False
    disturbs_walking: Annotated[
        bool,
        Info(
            "мешает ходить",
            fhir=("disturbs-walking", "Мешает ходить"),
            cli=Cli(("--walking",), help="Помешало ходить.", edit_help="Мешал ли ходить.", rank=9),
            report=None,
            stats=3,
            listed=Listed("Заметки", 71, mark="мешал ходить"),
        ),
    ] = False

    @field_validator("started_at", mode="before")
    @classmethod
    def _naive_started(cls, value: Any) -> Any:
        return _local_naive(value)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return parse_kind(value) if isinstance(value, str) else value

    @field_validator("leg", mode="before")
    @classmethod
    def _leg(cls, value: Any) -> Any:
        value = _clean_text(value)
        return parse_leg(value) if isinstance(value, str) else value

    @field_validator("place", "helped", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean_text(value)

    @field_validator("triggers", mode="before")
    @classmethod
    def _triggers(cls, value: Any) -> Any:
        return _triggers_before(value)


class DayNote(Record):
    """Triggers of a day, recorded whether or not there was an episode."""

    table: ClassVar[str] = "day_notes"
    time_field: ClassVar[str] = "day"

    note: Annotated[
        str | None,
        Field(max_length=5000),
        dataclasses.replace(_NOTE, cli=Cli(help="Заметка о дне.", rank=10)),
    ] = None
    day: Annotated[
        dt.date,
        Info(
            "день",
            cli=Cli(
                help="День: 2024-05-01, «сегодня», «вчера».",
                argument=True,
                default="сегодня",
                rank=0,
            ),
        ),
    ]
    triggers: Annotated[tuple[Trigger, ...], _TRIGGERS] = ()

    @field_validator("triggers", mode="before")
    @classmethod
    def _triggers(cls, value: Any) -> Any:
        return _triggers_before(value)


class ExerciseSession(Record):
    """A session of one exercise of the plan."""

    table: ClassVar[str] = "exercise_sessions"
    time_field: ClassVar[str] = "done_at"

    done_at: Annotated[dt.datetime, _WHEN]
    exercise_id: Annotated[
        str,
        Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$"),
        Info(
            "упражнение",
            cli=Cli(
                help="Упражнение из набора (например knee_flex_extend).", argument=True, rank=0
            ),
        ),
    ]
    repetitions: Annotated[
        int | None,
        Field(ge=0, le=10_000),
        Info(
            "повторений",
            fhir=("repetitions", "Повторений"),
            cli=Cli(("--reps",), help="Повторений.", rank=1),
        ),
    ] = None
    sets: Annotated[
        int | None,
        Field(ge=0, le=100),
        Info("подходов", fhir=("sets", "Подходов"), cli=Cli(("--sets",), rank=2)),
    ] = None

    @field_validator("done_at", mode="before")
    @classmethod
    def _naive(cls, value: Any) -> Any:
        return _local_naive(value)

    @field_validator("exercise_id", mode="before")
    @classmethod
    def _exercise(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


class MedicineIntake(Record):
    """A medicine as the person records taking it; free text, never a suggestion."""

    table: ClassVar[str] = "medicine_intakes"
    time_field: ClassVar[str] = "taken_at"

    taken_at: Annotated[dt.datetime, _WHEN]
    name: Annotated[
        str,
        Field(min_length=1, max_length=200),
        Info("название", cli=Cli(help="Название, как на упаковке.", argument=True, rank=0)),
    ]
    amount: Annotated[
        str | None,
        Field(max_length=200),
        Info("количество", cli=Cli(help="Сколько (как записано у вас).", rank=1)),
    ] = None

    @field_validator("taken_at", mode="before")
    @classmethod
    def _naive(cls, value: Any) -> Any:
        return _local_naive(value)

    @field_validator("name", "amount", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean_text(value)


class Assessment(Record):
    """A saved assessment: the engine's JSON object verbatim, with its level and time."""

    table: ClassVar[str] = "assessments"
    time_field: ClassVar[str] = "assessed_at"

    assessed_at: Annotated[dt.datetime, _WHEN]
    level: Annotated[str, Field(min_length=1, max_length=16), Info("уровень", header="Вывод")]
    text: Annotated[str | None, Info("текст", kept=0)] = None
    data: Annotated[dict[str, Any], Info("данные оценки", table=False)]

    @field_validator("assessed_at", mode="before")
    @classmethod
    def _naive(cls, value: Any) -> Any:
        return _local_naive(value)


class ScaleScore(Record):
    """Modified Ashworth as recorded by a clinician, or the Penn scale as self-report."""

    table: ClassVar[str] = "scale_scores"
    time_field: ClassVar[str] = "recorded_at"

    recorded_at: Annotated[dt.datetime, _WHEN]
    scale: Annotated[
        Scale,
        Info(
            "шкала",
            words=SCALE_TITLES,
            length=16,
            cli=Cli(
                help="ashworth (врач) или penn (самооценка).",
                parse=parse_scale,
                argument=True,
                rank=0,
            ),
        ),
    ]
    score: Annotated[
        str,
        Info(
            "оценка",
            length=4,
            cli=Cli(
                help=f"Ашворт: {', '.join(ASHWORTH_GRADES)}; "
                f"Пенн: {PENN_GRADES[0]}–{PENN_GRADES[-1]}.",
                argument=True,
                rank=1,
            ),
        ),
    ]
    recorded_by: Annotated[
        Rater,
        Info(
            "кто оценил",
            words=RATER_TITLES,
            length=16,
            cli=Cli(
                ("--by",),
                help="Кто оценил: clinician (врач) или self (сам человек); по умолчанию "
                "по шкале Ашворта — врач, по шкале Пенна — сам человек.",
                parse=parse_rater,
                rank=1,
            ),
        ),
    ]
    leg: Annotated[Leg | None, _LEG] = None
    muscle: Annotated[
        str | None,
        Field(max_length=200),
        Info("мышца", fhir=("muscle", "Мышца"), cli=Cli(help="Мышца или группа мышц.", rank=2)),
    ] = None

    @field_validator("recorded_at", mode="before")
    @classmethod
    def _naive(cls, value: Any) -> Any:
        return _local_naive(value)

    @field_validator("score", mode="before")
    @classmethod
    def _score_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value.strip() if isinstance(value, str) else value

    @field_validator("leg", mode="before")
    @classmethod
    def _leg(cls, value: Any) -> Any:
        value = _clean_text(value)
        return parse_leg(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _grade(self) -> ScaleScore:
        grades = ASHWORTH_GRADES if self.scale == "ashworth" else PENN_GRADES
        if self.score not in grades:
            raise ValueError(
                f"оценка «{self.score}» не подходит для шкалы {SCALE_TITLES[self.scale]}; "
                f"можно: {', '.join(grades)}"
            )
        return self


def _age(birth_year: int, today: dt.date) -> str:
    return f" (около {today.year - birth_year} лет)"


# The longest medicine name a profile keeps, and how many names: one line each on the profile
# page, one --medicine each on the command line.
MEDICINE_NAME_LENGTH = 200
MEDICINES_LISTED = 50


class Profile(_Described):
    """What the person chose to tell about themselves; every field is optional. Its
    ``Info.report`` words the «Кто» block of the doctor's report (``report._who``)."""

    birth_year: Annotated[
        int | None,
        Field(ge=1900, le=2100),
        Info(
            "год рождения",
            cli=Cli(upper=lambda: dt.date.today().year),
            report=Column(empty="не указан", aside=_age),
        ),
    ] = None
    stroke_date: Annotated[
        dt.date | None,
        Info(
            "дата инсульта",
            report=Column("Инсульт", empty="не указан"),
            fhir=("profile-stroke-date", "Дата инсульта"),
        ),
    ] = None
    diabetes: Annotated[
        bool | None,
        Info(
            "диабет",
            report=Column("Сахарный диабет", empty="не указано"),
            fhir=("profile-diabetes", "Диабет"),
            ask="Сахарный диабет",
        ),
    ] = None
    thyroid_surgery: Annotated[
        bool | None,
        Info(
            "операция на щитовидной железе",
            report=Column("Операция на щитовидной", empty="не указано"),
            fhir=("profile-thyroid-surgery", "Операция на щитовидной или паращитовидной железе"),
            ask="Операция на щитовидной или паращитовидных железах",
        ),
    ] = None
    pregnancy: Annotated[
        bool | None,
        Info(
            "беременность",
            report=Column(empty="не указано"),
            fhir=("profile-pregnancy", "Беременность"),
            ask="Беременность сейчас",
        ),
    ] = None
    diuretics: Annotated[
        bool | None,
        Info(
            "мочегонные",
            report=Column(empty="не указано"),
            fhir=("profile-diuretics", "Принимает мочегонные"),
            ask="Принимаете мочегонные (диуретики)",
        ),
    ] = None
    medicines: Annotated[
        list[str],
        Field(max_length=MEDICINES_LISTED),
        Info(
            "лекарства",
            cli=Cli(
                ("--medicine",),
                edit_help="Лекарство, которое принимаете сейчас (можно несколько).",
            ),
            report=Column("Лекарства (со слов)", empty="не указаны"),
            fhir=("profile-medicine", "Лекарство, которое человек указал в профиле"),
        ),
    ] = Field(default_factory=list)

    @field_validator("medicines", mode="before")
    @classmethod
    def _medicines(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.split(";")
        if isinstance(value, list):
            return [v.strip() for v in value if isinstance(v, str) and v.strip()]
        return value

    @field_validator("medicines")
    @classmethod
    def _medicine_names(cls, value: list[str]) -> list[str]:
        if any(len(m) > MEDICINE_NAME_LENGTH for m in value):
            raise ValueError(f"название не длиннее {MEDICINE_NAME_LENGTH} знаков")
        return value


RECORD_MODELS: tuple[type[Record], ...] = (
    Episode,
    DayNote,
    ExerciseSession,
    MedicineIntake,
    Assessment,
    ScaleScore,
)

# Field name → its Russian title, over every model (one name has one title everywhere).
FIELD_TITLES: dict[str, str] = field_titles(*RECORD_MODELS, Profile)
# The free texts the web keeps for a person when it refuses a form: name → its title.
KEPT_TEXTS: dict[str, str] = kept_texts(*RECORD_MODELS)


def _explain_one(err: Any, titles: Mapping[str, str]) -> str:
    loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
    field = titles.get(loc[0], FIELD_TITLES.get(loc[0], loc[0])) if loc else ""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
    elif kind == "missing" or (value is None and kind.endswith("_type")):
        msg = "не указано"  # None: an empty text, stripped to nothing
    elif kind == "extra_forbidden":
        msg = "лишнее поле"
    elif kind in ("greater_than_equal", "greater_than"):
        msg = f"должно быть не меньше {ctx.get('ge', ctx.get('gt'))}, а указано {value!r}"
    elif kind in ("less_than_equal", "less_than"):
        msg = f"должно быть не больше {ctx.get('le', ctx.get('lt'))}, а указано {value!r}"
    elif kind.startswith("int_") or kind == "int_type":
        msg = f"нужно целое число, а указано {value!r}"
    elif kind.startswith("bool"):
        msg = f"нужно да/нет (true/false), а указано {value!r}"
    elif kind.startswith(("datetime", "date")):
        msg = f"неверная дата или время {value!r} (нужно, например, 2024-05-01 23:30)"
    elif kind == "literal_error":
        msg = f"«{value}» не подходит; можно: {ctx.get('expected', '')}"
    elif kind in ("string_too_long", "too_long"):
        msg = f"слишком длинно (не больше {ctx.get('max_length')} символов)"
    elif kind in ("string_too_short", "too_short"):
        msg = "пусто"
    elif kind == "string_pattern_mismatch":
        msg = f"неверный формат {value!r}"
    else:
        msg = f"неверное значение {value!r}"
    return f"{field}: {msg}" if field else msg


def explain_validation(exc: ValidationError) -> list[str]:
    """Russian, one line per problem, naming the field the person knows."""
    titles = _MODEL_TITLES.get(exc.title, FIELD_TITLES)
    return [_explain_one(e, titles) for e in exc.errors()]
