"""The levels have one order (``result.LEVELS``, from the ``Level`` type); every rank, every
«urgent or worse» and every table keyed by level follows it. A level added to the type and
missing from a table (or a table naming a level the type does not have) fails here."""

from __future__ import annotations

from typing import get_args

from spasmnav import content, engine, interview, result
from spasmnav.core import default_navigator
from spasmnav.diary import fhir, rollup_figures
from spasmnav.presenter import LEVEL_WORDS
from spasmnav.web.views.clinic import FILTER_LEVELS


def test_one_order_of_the_levels() -> None:
    assert get_args(result.Level) == result.LEVELS
    assert content.LEVELS is result.LEVELS
    assert content.Level is result.Level
    assert [result.LEVEL_RANK[lv] for lv in result.LEVELS] == list(range(len(result.LEVELS)))
    assert engine.RANK is result.LEVEL_RANK and interview.RANK is result.LEVEL_RANK


def test_urgent_levels_are_the_top_of_the_order() -> None:
    urgent = result.URGENT_LEVELS
    assert urgent == tuple(lv for lv in result.LEVELS if lv in ("urgent", "emergency"))
    assert rollup_figures.URGENT_LEVELS is urgent
    assert all(result.LEVEL_RANK[lv] >= result.LEVEL_RANK["urgent"] for lv in urgent)


def test_every_table_keyed_by_level_has_every_level() -> None:
    levels = set(result.LEVELS)
    assert set(LEVEL_WORDS) == levels
    assert set(fhir.INDICATORS) == levels
    assert {lv.id for lv in default_navigator().pack.levels} == levels
    assert tuple(reversed(result.LEVELS)) == FILTER_LEVELS  # the clinic's filter: most urgent first


# --- the exercise's parameters: one order, every typed shape of an exercise follows it --------


def _parameters_between(names: list[str]) -> tuple[str, ...]:
    """The fields between ``instructions`` and ``caution``: where each shape keeps them."""
    return tuple(names[names.index("instructions") + 1 : names.index("caution")])


def test_every_exercise_shape_has_the_parameters_in_their_order() -> None:
    import dataclasses

    from spasmnav.presenter import EXERCISE_LABELS
    from spasmnav.web.views.schemas import Exercise as ApiExercise

    assert tuple(EXERCISE_LABELS) == result.EXERCISE_PARAMETERS
    shapes = {
        "result": [f.name for f in dataclasses.fields(result.Exercise)],
        "content": list(content.Exercise.__annotations__),
        "api": list(ApiExercise.model_fields),
    }
    for shape, names in shapes.items():
        assert _parameters_between(names) == result.EXERCISE_PARAMETERS, shape
    # The card the pack hands out carries every parameter it declares.
    x = next(e for e in default_navigator().pack.exercises if e.hold_seconds)
    card = x.card(default_navigator().pack)
    assert all(getattr(card, p) == getattr(x, p) for p in result.EXERCISE_PARAMETERS)
