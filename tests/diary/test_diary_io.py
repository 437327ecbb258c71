"""CSV and JSON: lossless round trips, bad rows reported by line, nothing half-written."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmnav.diary.io import dump_json, export_file, import_file, read_csv, read_json, write_csv
from spasmnav.diary.models import (
    KINDS,
    LEGS,
    TRIGGERS,
    Assessment,
    DayNote,
    Episode,
    ExerciseSession,
    InputError,
    MedicineIntake,
    Profile,
    ScaleScore,
)
from spasmnav.diary.store import Store

# Text a person may type: any printable characters, including quotes, commas, semicolons and
# line breaks that CSV must escape; NUL is excluded (PostgreSQL cannot store it).
texts = st.one_of(
    st.none(),
    st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool),
)
times = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1))
episodes = st.builds(
    Episode,
    started_at=times,
    kind=st.sampled_from(KINDS),
    leg=st.one_of(st.none(), st.sampled_from(LEGS)),
    place=texts,
    duration_seconds=st.one_of(st.none(), st.integers(0, 7 * 24 * 3600)),
    intensity=st.one_of(st.none(), st.integers(0, 10)),
    helped=texts,
    triggers=st.lists(st.sampled_from(TRIGGERS), unique=True).map(tuple),
    disturbs_sleep=st.booleans(),
    disturbs_walking=st.booleans(),
    note=texts,
    created_at=st.one_of(st.none(), times),
)


@given(st.lists(episodes, max_size=8))
@settings(max_examples=150, deadline=None)
def test_csv_round_trip_is_lossless(items: list[Episode]) -> None:
    buf = io.StringIO(newline="")
    write_csv(items, buf, model=Episode)
    back = read_csv(io.StringIO(buf.getvalue(), newline=""), model=Episode)
    assert back == items


@given(st.lists(episodes, max_size=5))
@settings(max_examples=60, deadline=None)
def test_json_sections_round_trip(items: list[Episode]) -> None:
    payload = json.loads(
        json.dumps({"episodes": [e.model_dump(mode="json", exclude={"id"}) for e in items]})
    )
    profile, back = read_json(payload)
    assert profile is None and back == items


def _fill(store: Store, person: int) -> None:
    t = dt.datetime(2024, 4, 1, 23, 5, 7, 123456)
    store.update_profile(
        person_id=person,
        changes={"birth_year": 1948, "stroke_date": dt.date(2023, 11, 2), "medicines": ["а; б"]},
    )
    store.add_episode(
        person_id=person,
        episode=Episode(
            started_at=t,
            kind="cramp",
            leg="both",
            note='кавычки " и, запятые\nстрока',
            triggers=["heat"],
            intensity=7,
            duration_seconds=65,
        ),
    )
    store.add_day_note(person_id=person, note=DayNote(day=t.date(), triggers=["alcohol"]))
    store.add_exercise_session(
        person_id=person,
        session=ExerciseSession(done_at=t, exercise_id="knee_flex_extend", repetitions=12),
        check=False,
    )
    store.add_medicine_intake(person_id=person, intake=MedicineIntake(taken_at=t, name="магний"))
    store.add_scale_score(
        person_id=person,
        score=ScaleScore(recorded_at=t, scale="ashworth", score="1+", recorded_by="clinician"),
    )
    store.save_assessment(
        person_id=person,
        data={"triage": {"level": "doctor", "reasons": [{"text": "ё"}]}},
        assessed_at=t,
    )


def _strip_ids(dump: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in dump.items() if k != "exported_at"}


def test_json_file_round_trip_through_database(db_url: str, tmp_path: Path) -> None:
    with Store(db_url) as store:
        a = store.ensure_person(key="a")
        b = store.ensure_person(key="b")
        _fill(store, a)
        path = tmp_path / "diary.json"
        with path.open("w", encoding="utf-8") as fh:
            export_file(store, fh, person_id=a, fmt="json")
        # Into a fresh database, then out again: the same document.
        with Store(f"sqlite:///{tmp_path}/copy.db") as copy:
            result = import_file(copy, path, person_id=copy.default_person_id())
            assert result.added == 6
            assert _strip_ids(dump_json(copy, person_id=copy.default_person_id())) == _strip_ids(
                dump_json(store, person_id=a)
            )
        # Into another person of the same database: copies with fresh uids, same content.
        import_file(store, path, person_id=b)
        assert store.get_profile(person_id=b) == store.get_profile(person_id=a)
        assert len(store.list_episodes(person_id=b)) == 1


def test_csv_file_round_trip_through_database(db_url: str, tmp_path: Path) -> None:
    with Store(db_url) as store:
        pid = store.default_person_id()
        _fill(store, pid)
        for table, model in (
            ("episodes", Episode),
            ("scale_scores", ScaleScore),
            ("day_notes", DayNote),
            ("assessments", Assessment),
        ):
            path = tmp_path / f"{table}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                export_file(store, fh, person_id=pid, fmt="csv", table=table)
            with Store(f"sqlite:///{tmp_path}/{table}.db") as copy:
                cp = copy.default_person_id()
                import_file(copy, path, person_id=cp, table=table)
                strip = {"id"}
                assert [
                    r.model_dump(exclude=strip) for r in copy.list_records(model, person_id=cp)
                ] == [r.model_dump(exclude=strip) for r in store.list_records(model, person_id=pid)]


def test_bad_csv_rows_are_reported_with_line_numbers(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "started_at,kind,intensity,leg,note\n"
        "2024-05-01 22:00,cramp,5,left,ok\n"
        '2024-05-02 22:00,cramp,5,left,"две\nстроки"\n'
        "2024-05-03 22:00,судорога,12,left,\n"
        "2024-05-04 22:00,jump,3,left,\n"
        "не дата,cramp,3,left,\n"
        "2024-05-06 22:00,cramp,3,правая,ok\n",
        encoding="utf-8",
    )
    with Store(db_url) as store:
        pid = store.default_person_id()
        store.add_episode(
            person_id=pid, episode=Episode(started_at=dt.datetime(2024, 1, 1), kind="tremor")
        )
        with pytest.raises(InputError) as info:
            import_file(store, path, person_id=pid)
        problems = info.value.problems
        assert any(p.startswith("строка 5: сила") for p in problems), problems
        assert any(p.startswith("строка 6: вид эпизода") for p in problems), problems
        assert any(p.startswith("строка 7: время") for p in problems), problems
        assert not any(
            p.startswith(("строка 2", "строка 3", "строка 4", "строка 8")) for p in problems
        )
        # nothing from the failed file was written; what was there before is intact
        assert [e.kind for e in store.list_episodes(person_id=pid)] == ["tremor"]


def test_csv_header_problems() -> None:
    with pytest.raises(InputError, match="нет обязательных столбцов: started_at"):
        read_csv(io.StringIO("kind\ncramp\n"), model=Episode)
    with pytest.raises(InputError, match="неизвестные столбцы: colour"):
        read_csv(io.StringIO("started_at,kind,colour\n2024-01-01,cramp,red\n"), model=Episode)
    with pytest.raises(InputError, match="пуст"):
        read_csv(io.StringIO(""), model=Episode)


def test_csv_accepts_russian_words_and_yes_no() -> None:
    rows = read_csv(
        io.StringIO(
            "started_at,kind,leg,triggers,disturbs_sleep\n"
            "2024-05-01 23:30,судорога,левая,кофе;стресс,да\n"
        ),
        model=Episode,
    )
    (e,) = rows
    assert isinstance(e, Episode)
    assert (e.kind, e.leg, e.triggers, e.disturbs_sleep) == (
        "cramp",
        "left",
        ("caffeine", "stress"),
        True,
    )


def test_json_rejects_foreign_documents() -> None:
    with pytest.raises(InputError, match="не дневник"):
        read_json({"format": "something-else"})
    with pytest.raises(InputError, match="эпизоды, запись 2"):
        read_json({"episodes": [{"started_at": "2024-01-01", "kind": "cramp"}, {"kind": "x"}]})
    with pytest.raises(InputError, match="профиль"):
        read_json({"profile": {"birth_year": "много"}})
    profile, _ = read_json({"profile": {"birth_year": 1950}})
    assert profile == Profile(birth_year=1950)


def test_import_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("x", encoding="utf-8")
    with Store(f"sqlite:///{tmp_path}/f.db") as store, pytest.raises(InputError, match="формат"):
        import_file(store, path, person_id=store.default_person_id())
