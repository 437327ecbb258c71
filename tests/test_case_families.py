"""The case families written by people who never saw the rules, kept as tests.

Each file in ``tests/cases/families*.jsonl`` was written by a separate session from the seeds,
DESIGN.md and the clinical review only (chart records, phone typing, carers, old vs new events,
near misses, emergencies told without textbook words, every cause, out-of-scope texts). The
scores below are floors: a change to the language or the rules may raise them, never lower
them. Emergency recall is counted per case too, so a fixed miss cannot quietly come back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spasmnav.assessing import assess_text

CASES = Path(__file__).parent / "cases"
RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}

# file: (acceptable, emergency recall, under-triage at most), as reached on this commit.
# Round 8's reader families (tests/test_paraphrases_reader8.py) raised families (342/356),
# families8 (151/160) and families10 (154/160).
FLOORS: dict[str, tuple[float, float, float]] = {
    "families.jsonl": (0.96, 1.0, 0.017),
    "families2.jsonl": (0.995, 0.987, 0.005),
    "families3.jsonl": (0.97, 0.95, 0.015),
    "families_h.jsonl": (1.0, 1.0, 0.0),
    # Written after all of this round's fixes and never tuned against: the held-out figure.
    "families4.jsonl": (0.956, 0.94, 0.025),
    # Two more independent writers (round 5). families5: a few families fixed after first
    # contact (0.830 acceptable, 0.917 recall); families6: measured at first contact (0.760,
    # 0.701), only the fixes made for other sets applied; raised after the round-6 general fixes
    # (tests/test_paraphrases_general.py), and again by round 7's family fixes (187/200, 189/200).
    # Floors, not targets.
    "families5.jsonl": (0.934, 0.983, 0.015),
    "families6.jsonl": (0.944, 1.0, 0.011),
    # Round 7: first-contact figures were 0.805 acceptable, 0.758 recall, 0.135 under; the
    # floor below is raised to what the round-7 family fixes reached.
    # raised after the round-7 reading families (tests/test_paraphrases_round7.py)
    "families7.jsonl": (0.939, 0.984, 0.006),
    # Round 6, written after every fix of the round and scored before any change for it: the
    # held-out figure (0.850 acceptable, 0.863 recall, 0.081 under). Two families fixed after
    # (a fever during chemotherapy, «не писается»), not the others its misses show. Raised after
    # the round-8 family fixes (src/spasmnav/pack/acute.yaml, tests/test_paraphrases_f8.py) and the
    # round-7 reading families (tests/test_paraphrases_round7.py).
    "families8.jsonl": (0.943, 0.979, 0.007),
    # Round 7, an outside clinician's set, scored on main before any change for it: first
    # contact 0.850 acceptable (136/160), 0.852 recall (46/54), 0.113 under (18/160); raised to
    # what the round-7 family fixes reached (tests/test_paraphrases_f10.py): 152/160, 53/54,
    # 2/160.
    "families10.jsonl": (0.962, 0.981, 0.013),
    # Round 7, a second outside clinician's set, held out: scored on main before any of round 7's
    # fixes (0.794 acceptable, 0.889 recall, 0.113 under, 0.094 over) and again after all of
    # them, never shown to anyone fixing rules: 0.787 / 0.889 / 0.113 (126/160, 40/45, 18/160).
    # The fixes made for the other sets did not carry over; its families are the next round's.
    # Round 8: its under-triage families fixed (tests/test_paraphrases_f9.py), then its
    # over-triage ones (tests/test_paraphrases_f9o.py): 154/160 acceptable, 45/45 recall,
    # 0/160 under, 6/160 over.
    "families9.jsonl": (0.962, 1.0, 0.0),
    # Round 8, a lay-register and traps writer (families12), scored on main before any change
    # for it: first contact 0.925 acceptable (148/160), 0.939 recall (46/49), 0.0375 under
    # (6/160), 0.037 over. Raised after the round-8 urgent and doctor-level family fixes
    # (src/spasmnav/pack/subacute.yaml, tests/test_paraphrases_f11u.py) and its emergency
    # families (tests/test_paraphrases_f11e.py): 154/160, 48/49, 0/160.
    "families12.jsonl": (0.962, 0.979, 0.0),
    # Round 8, clinic records in chart words (families11), scored on main before any change for
    # it: first contact 0.875 acceptable (140/160), 0.900 recall (45/50), 0.094 under (15/160).
    # Its missed emergencies fixed as families (tests/test_paraphrases_f11e.py), then its urgent
    # and doctor-level ones (tests/test_paraphrases_f11u.py): 155/160, 50/50, 1/160.
    "families11.jsonl": (0.968, 1.0, 0.007),
    # Round 8, a third writer of the round (mixed voices, 16 families), held out: written while
    # the others were being fixed and never shown to anyone fixing rules. Scored on main before
    # the helpers' fixes landed (0.869 acceptable, 0.880 recall, 0.075 under, 0.056 over) and
    # after all of them: 144/160, 46/50, 8/160 (over 0.050). Floors at that figure.
    # Then its under-triage families fixed (tests/test_paraphrases_f13.py: a past numbness in the
    # imperfective, a low potassium with palpitations, hoarded medicines with a decision, a low
    # mood, repeated falls, a radicular pain with a growing weakness, a named radiculopathy) and
    # a fall onto the hands no longer read as arm weakness: 153/160, 49/50, 0/160; then three
    # over-triage families (a value before the sugar in a list of results, short sleep as a
    # trigger, a skin fold rash as a red calf): 156/160; with main's stop-25 fixes merged,
    # 50/50 emergencies.
    "families13.jsonl": (0.975, 1.0, 0.0),
    # Round 8, stop 25: a fourth writer (16 families × 10, mixed voices and chart notes), scored
    # on main before any change for it: first contact 0.856 acceptable (137/160), 0.857 recall
    # (36/42), 0.069 under (11/160), 0.075 over. After its emergency families were fixed
    # and then its over-triage ones (tests/test_paraphrases_f14.py, sentences from two more
    # writers): 148/160, 42/42, 3/160.
    "families14.jsonl": (0.925, 1.0, 0.019),
    # Stop 25: a fifth writer, real-record style (receptionists' phone records, chat messages,
    # a survivor's diary notes over weeks), written while families14 was being fixed and scored
    # before any change for it: 0.906 acceptable, 0.878 recall, 0.069 under at the stop's start
    # and 0.919 / 0.927 / 0.056 with families14's fixes (its first contact). Its three missed
    # emergencies then fixed as families (tests/test_paraphrases_f14.py): 150/160, 41/41, 6/160.
    "families15.jsonl": (0.937, 1.0, 0.038),
}


def _cases(name: str) -> list[dict[str, Any]]:
    lines = (CASES / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _levels(cases: list[dict[str, Any]]) -> dict[str, str]:
    return {c["id"]: assess_text(c["text"]).to_dict()["triage"]["level"] for c in cases}


def test_every_family_file_has_a_floor() -> None:
    assert {p.name for p in CASES.glob("families*.jsonl")} == set(FLOORS)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_family_scores_do_not_drop(name: str) -> None:
    cases = _cases(name)
    got = _levels(cases)
    acceptable = sum(got[c["id"]] in c.get("triage_ok", [c["triage"]]) for c in cases)
    under = sum(RANK[got[c["id"]]] < min(RANK[x] for x in c["triage_ok"]) for c in cases)
    emergencies = [c for c in cases if c["triage"] == "emergency"]
    caught = sum(got[c["id"]] == "emergency" for c in emergencies)
    floor_ok, floor_recall, ceiling_under = FLOORS[name]
    assert acceptable / len(cases) >= floor_ok
    assert caught / len(emergencies) >= floor_recall
    assert under / len(cases) <= ceiling_under


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_no_emergency_is_ever_called_self_care(name: str) -> None:
    """The worst error of all: an emergency sent home. Whatever else a miss is, never this."""
    cases = [c for c in _cases(name) if c["triage"] == "emergency"]
    got = _levels(cases)
    sent_home = [c["id"] for c in cases if got[c["id"]] == "self_care"]
    assert not sent_home
