"""The emergencies a leg-contraction tool must know beyond the seeds (issue 10, section 2).

Each family is read from people's own words through the real text pipeline
(``assessing.assess_text``): six wordings or more (first person, a relative or carer, no
punctuation, a typo, colloquial speech, a question), near misses that must not fire, the advice
that must and must not be shown, the `checks:` entry that settles it, and an interview path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from spasmnav import expr as ex
from spasmnav import interview as iv
from spasmnav.assessing import assess_text
from spasmnav.content import LEVELS, load_pack
from spasmnav.engine import assess_findings

PACK = load_pack()
RANK = {lv: i for i, lv in enumerate(LEVELS)}
RULES = {r.id: r for r in PACK.rules}

# family id -> (the rule that must fire, the level, sentences in people's own words)
FAMILIES: dict[str, tuple[str, str, list[str]]] = {
    "cauda_equina": (
        "cauda_equina",
        "emergency",
        [
            "Болит поясница, онемела промежность, не могу помочиться",
            "у мужа грыжа, обе ноги ослабли и он не может пописать с утра",
            "спина болит и моча подтекает сама ноги сводит",
            "поясниц болит онемение между ног",
            "Сорвал спину, теперь там всё онемело, как в седле",
            "Болит спина и не могу сходить по-маленькому — это опасно?",
        ],
    ),
    "baclofen_withdrawal": (
        "baclofen_withdrawal",
        "emergency",
        [
            "Резко бросил баклофен, температура 39 и галлюцинации",
            "У мамы баклофеновая помпа пищит, спастика резко усилилась, всё чешется",
            "папа перестал пить баклофен позавчера теперь видит то чего нет",
            "закончился баклафен, ноги сводит сильнее обычного и температура",
            "Помпа с баклофеном подаёт сигнал тревоги, у сына жар и он мечется",
            "Перестала принимать баклофен, а теперь спутанность и зуд — что делать?",
        ],
    ),
    "neuroleptic_malignant_syndrome": (
        "neuroleptic_malignant_syndrome",
        "emergency",
        [
            "Принимаю галоперидол, температура 40, весь как деревянный",
            "брату поменяли нейролептик, температура под 40, мышцы одеревенели",
            "на нейролептиках жар и обливается потом тело скованное",
            "Пью галаперидол, темпиратура, ноги как палки",
            "Маме колют аминазин, а сейчас жар и всё тело сковало",
            "Сын на рисперидоне, температура и мышцы стали как деревянные — это опасно?",
        ],
    ),
    "serotonin_syndrome": (
        "serotonin_syndrome",
        "emergency",
        [
            "Начала пить сертралин и трамадол, ноги дёргаются, сильно потею, возбуждение",
            "муж пьет амитриптилин, ноги сами дергаются, жар и мечется",
            "на антидепрессантах температура и ноги трясутся",
            "пью флуоксетин ноги дергаются обливаюсь потом",
            "Ципралекс плюс трамал, всю трясёт, мокрая от пота, не могу успокоиться",
            "Пью венлафаксин, поднялась температура и дёргаются ноги — это из-за таблеток?",
        ],
    ),
    "tetanus": (
        "tetanus_signs",
        "emergency",
        [
            "Наступил на гвоздь неделю назад, теперь сводит челюсть и не могу открыть рот",
            "Дед поранился вилами, теперь шея каменная и спазмы в ноге",
            "порезался стеклом челюсть не раскрывается ноги сводит",
            "после укуса собаки свело челюсть",
            "Не могу открыть рот, спину выгибает дугой",
            "Была рана на ноге, а сейчас трудно открыть рот — это столбняк?",
        ],
    ),
    "rhabdomyolysis": (
        "rhabdomyolysis",
        "emergency",
        [
            "После кроссфита ноги болят адски, моча тёмная как кола",
            "Пью аторвастатин, мышцы бёдер болят и ослабли, моча стала коричневая",
            "сын после марш-броска мышцы болят моча красно-бурая",
            "после тренировки сильно болят мышцы моча потемнела",
            "У мужа на статинах ломит все мышцы и моча цвета чая",
            "Моча темная и ноги сводит после бега — это опасно?",
        ],
    ),
    "potassium": (
        "potassium_emergency",
        "emergency",
        [
            "У меня диализ, пропустил процедуру, слабость в ногах и сердце бьётся неровно",
            "папа пропустил диализ теперь ноги не держат",
            "на мочегонных сильная слабость в ногах судороги сердце колотится голова кружится",
            "Пью гипотиазид, два дня рвота, ноги не держат, перебои в сердце",
            "на гемодиализе, вчера пропустила диализ, сердце сбоит",
            "Мама пропустила диализ, у неё перебои в сердце — вызывать скорую?",
        ],
    ),
    "postop_hypocalcaemia": (
        "postoperative_hypocalcaemia",
        "emergency",
        [
            "Позавчера удалили щитовидку, колет вокруг рта и ноги сводит",
            "после операции на паращитовидке кисти скрючило и икры сводит",
            "После удаления щитовидки сводит руки, сжимает горло",
            "маме удалили щитовидную железу неделю назад теперь сводит ноги и руки",
            "вырезали щитовидку немеют губы и ноги сводит",
            "После операции на щитовидке сводит кисти рук — это из-за кальция?",
        ],
    ),
    "pre_eclampsia": (
        "pre_eclampsia",
        "emergency",
        [
            "32 неделя беременности, опухло лицо, голова раскалывается и мушки перед глазами",
            "жена на восьмом месяце, сильно болит голова и мелькает в глазах",
            "Срок 25 недель, ногу дергает, в глазах мелькает и болит под рёбрами справа",
            "береманна 30 недель сильно болит голова ноги сводит",
            "Неделю после родов сильная головная боль и сводит ноги",
            "Я беременна, вдруг отекло лицо и мушки перед глазами — это опасно?",
        ],
    ),
    "child_fever": (
        "child_fever_emergency",
        "emergency",
        [
            "Ребёнку 4 года, температура 39, сыпь, ножки подёргиваются",
            "У сына 2 года температура и судороги",
            "у ребенка 3 года температура 40 и на ногах появились тёмные пятна",
            "малыш с температурой весь в сыпи",
            "Дочке 6 лет, жар и ноги дергаются",
            "У ребенка температура и сыпь — вызывать скорую?",
        ],
    ),
    "clot_no_swelling": (
        "possible_clot_no_swelling",
        "urgent",
        [
            "После инсульта мама лежачая, болит левая икра, больно когда трогаю",
            "После инсульта лежит, сводит икру и она болит, стала твёрдой",
            "После операции болит икра при ходьбе, тянет",
            "папа лежачий после перелома икра болит",
            "лежу в гипсе две недели ноет икра",
            "После операции на колене болит икра — можно ли её массировать?",
        ],
    ),
    "posterior_stroke": (
        "posterior_circulation_stroke",
        "emergency",
        [
            "Внезапно всё кружится, шатает, не могу идти, рвота",
            "у папы резко закружилась голова, его шатает и рвёт",
            "голова кружится шатает при ходьбе вырвало",
            "После инсульта вдруг сильное головокружение и тошнит",
            "маму штормит, шатается, рвота, нога дергается",
            "Головакружение, шатает и рвота — что это?",
        ],
    ),
    "fainting": (
        "fainting_episode",
        "urgent",
        [
            "Упала в обморок, судорог не было, ногу до этого свело",
            "мама грохнулась в обморок на кухне, быстро пришла в себя",
            "вчера был обморок ноги дергаются",
            "Муж упал в обморок в душе, ногу сводит",
            "чуть не грохнулась в обморок в очереди, потом икру свело",
            "Был обморок после судороги в ноге — это эпилепсия?",
        ],
    ),
    "hypoglycaemia": (
        "hypoglycaemia",
        "emergency",
        [
            "Колю инсулин, весь в холодном поту, дрожь, ногу сводит",
            "папа на диабетоне, вдруг спутанный, ноги трясутся",
            "у мамы сахар упал до 2, руки трясутся",
            "на инсулине липкий пот и руки трясутся сердце колотится",
            "Пью манинил, обливаюсь потом и сильный голод, дергается нога",
            "Муж колет инсулин, холодный пот и несёт чушь — что делать?",
        ],
    ),
    "leg_infection": (
        "cellulitis_suspected",
        "urgent",
        [
            "Температура 38, голень красная, горячая и болит",
            "у мамы жар и нога покраснела опухла",
            "температура нога горячая красная отекла",
            "Лихорадит, икра красная и болит — это рожа?",
            "Знобит, кожа на голени красная и больно трогать",
            "Муж с температурой, нога стала красная и горячая, болит",
        ],
    ),
    "diabetic_foot": (
        "diabetic_foot",
        "urgent",
        [
            "Диабет, на стопе язва не заживает, ногу сводит",
            "у папы сахарный диабет, рана на пальце ноги гноится",
            "диабетик стопа горячая красная и отекла",
            "У меня диабет и ранка на стопе не заживает месяц — это опасно?",
            "Сахарный диабет, трофическая язва на ноге, ноги сводит по ночам",
            "у мамы диабет мозоль гноится",
        ],
    ),
    "spasticity_worsening": (
        "spasticity_sudden_worsening",
        "urgent",
        [
            "После инсульта спастика резко усилилась за два дня",
            "у мамы после инсульта нога вдруг стала намного хуже, спазмы сильнее чем обычно",
            "после инсульта спазмы усилились и температура",
            "Папа после инсульта, спастика резко усилилась, запор неделю",
            "Рассеянный склероз, спазмы в ногах резко усилились, больно писать",
            "После инсульта вдруг стало хуже сводить ногу — что могло случиться?",
        ],
    ),
}


CASES = [
    pytest.param(family, rule, level, text, id=f"{family}-{i}")
    for family, (rule, level, texts) in FAMILIES.items()
    for i, text in enumerate(texts)
]


def _rules(a: Mapping[str, Any]) -> list[str]:
    return [r["rule"] for r in a["triage"]["reasons"]]


@pytest.mark.parametrize(("family", "rule", "level", "text"), CASES)
def test_family_read_from_own_words(family: str, rule: str, level: str, text: str) -> None:
    a = assess_text(text).to_dict()
    assert a["triage"]["level"] == level, (family, text, _rules(a))
    assert rule in _rules(a), (family, text, _rules(a))
    assert RULES[rule].level == level
    if level == "emergency":
        assert "call_103" in {x["id"] for x in a["advice"]}
        assert a["medicines"] == [] and a["exercises"] == []


def test_every_family_has_six_wordings_and_a_question_among_them() -> None:
    for family, (_, _, texts) in FAMILIES.items():
        assert len(set(texts)) >= 6, family
        assert any(t.rstrip().endswith("?") for t in texts), family
        assert any(not any(p in t for p in ",.!?—") for t in texts), f"{family}: no punctuation"


# --- Near misses: negated, about someone else, long ago ---------------------------------------


NEAR_MISSES = [
    # (the rule that must not fire, text)
    (
        "cauda_equina",
        "Болит поясница, отдаёт в ногу, онемения в промежности нет, "
        "с мочеиспусканием всё в порядке",
    ),
    ("baclofen_withdrawal", "Баклофен закончился вчера, температуры нет, галлюцинаций нет"),
    ("neuroleptic_malignant_syndrome", "Пью галоперидол, ноги скованные, температуры нет"),
    (
        "tetanus_signs",
        "Наступил на гвоздь, прививка от столбняка в прошлом году, челюсть не сводит, ногу свело",
    ),
    ("rhabdomyolysis", "Принимаю розувастатин, ночью сводит икры, моча нормальная, не тёмная"),
    ("pre_eclampsia", "Беременность 28 недель, по ночам сводит икры, отёков нет, голова не болит"),
    ("child_fever_emergency", "Ребёнку 5 лет, ночью сводит ноги, температуры нет, сыпи нет"),
    ("fainting_episode", "Ночью свело икру, обморока не было, растянула — прошло"),
    ("potassium_urgent", "Пью индапамид, ноги сводит, перебоев в сердце нет"),
    (
        "serotonin_syndrome",
        "На эсциталопраме иногда вздрагивают ноги при засыпании, температуры нет",
    ),
    ("possible_clot_no_swelling", "Ночью свело икру, растянула — прошло"),
    (
        "posterior_circulation_stroke",
        "Иногда кружится голова, когда резко встаю, ногу сводит ночью",
    ),
    # about someone else
    ("tetanus_signs", "У соседки был столбняк, а у меня ночью сводит икру"),
    ("baclofen_withdrawal", "Мама когда-то пила баклофен, а у меня ночью сводит икру"),
    # long ago
    (
        "postoperative_hypocalcaemia",
        "Щитовидку удалили 8 лет назад, иногда ночью сводит ногу, без покалываний",
    ),
    ("child_fever_emergency", "В детстве была сыпь и температура, сейчас иногда сводит икру"),
    ("fainting_episode", "Десять лет назад был обморок, сейчас иногда ночью сводит икру"),
    ("rhabdomyolysis", "Год назад после марафона была тёмная моча, сейчас иногда сводит икры"),
]


@pytest.mark.parametrize(("rule", "text"), NEAR_MISSES)
def test_near_miss_does_not_fire(rule: str, text: str) -> None:
    a = assess_text(text).to_dict()
    assert rule not in _rules(a), (text, _rules(a))
    assert RANK[a["triage"]["level"]] < RANK[RULES[rule].level] or RULES[rule].level == "doctor"


# --- What is shown and what is not ------------------------------------------------------------


def _advice(text: str) -> set[str]:
    return {x["id"] for x in assess_text(text).to_dict()["advice"]}


def test_no_potassium_or_magnesium_cards_with_kidney_failure() -> None:
    for text in (
        "У меня диализ, ноги сводит по ночам",
        "Хроническая почечная недостаточность, сводит икры",
    ):
        a = assess_text(text).to_dict()
        assert a["triage"]["level"] in ("doctor", "urgent"), text
        assert "magnesium_potassium_foods" not in {x["id"] for x in a["advice"]}, text
        assert "magnesium_b6" not in {m["id"] for m in a["medicines"]}, text
    # without kidney disease the same complaint still gets them
    a = assess_text("Ночью сводит икры, питаюсь однообразно").to_dict()
    assert "magnesium_b6" in {m["id"] for m in a["medicines"]}


def test_a_child_goes_to_the_paediatrician_without_adult_medicine_cards() -> None:
    for text in (
        "Ребёнку 8 лет, ночью сводит ноги",
        "У сына 7 лет дергается нога",
        "малышу 8 месяцев, вздрагивает ножками во сне",
        "Подросток 14 лет, после тренировок сводит икры",
    ):
        a = assess_text(text).to_dict()
        assert a["triage"]["specialist"] == "paediatrician", text
        assert a["medicines"] == [], text
        assert next(f for f in a["findings"] if f["id"] == "age")["value"] < 18
    # «жду ребёнка» is a pregnancy, not a child
    a = assess_text("жду ребенка, ночью сводит икры").to_dict()
    assert a["triage"]["specialist"] == "obstetrician"
    assert "child" not in {f["id"] for f in a["findings"] if f["present"]}


def test_pregnancy_cramps_and_a_pregnant_calf_go_to_the_obstetrician() -> None:
    a = assess_text("Я беременна, по ночам сводит икры").to_dict()
    assert (a["triage"]["level"], a["triage"]["specialist"]) == ("doctor", "obstetrician")
    a = assess_text("Беременна, левая икра опухла и болит").to_dict()
    assert (a["triage"]["level"], a["triage"]["specialist"]) == ("urgent", "obstetrician")
    assert "clot_no_massage" in {x["id"] for x in a["advice"]}


def test_a_possible_clot_without_swelling_shows_no_massage_or_stretch() -> None:
    a = assess_text("После инсульта мама лежачая, болит левая икра, больно когда трогаю").to_dict()
    assert a["triage"]["level"] == "urgent"
    ids = {x["id"] for x in a["advice"]}
    assert "clot_no_massage" in ids
    assert not ids & {"cramp_stretch", "warm_foot_bath", "massage_caution"}
    assert a["exercises"] == [] and a["medicines"] == []
    assert {"vein_ultrasound", "d_dimer"} <= {t["id"] for t in a["tests"]}


def test_symptomatic_low_calcium_after_surgery_is_an_emergency_and_tingling_alone_today() -> None:
    a = assess_text("Неделю назад удалили щитовидную железу, теперь сводит кисти рук").to_dict()
    ids = {x["id"] for x in a["advice"]}
    assert a["triage"]["level"] == "emergency"
    assert "hypocalcaemia_wait" in ids and "hypocalcaemia_today" not in ids  # no «сегодня»
    a = assess_text("Три дня назад операция на щитовидной железе, покалывает губы").to_dict()
    assert a["triage"]["level"] == "urgent"
    assert "hypocalcaemia_today" in {x["id"] for x in a["advice"]}
    assert "sfe_hypocalcaemia" in {c.source for c in RULES["postoperative_hypocalcaemia"].cite}


def test_a_faint_without_convulsions_is_not_a_seizure() -> None:
    a = assess_text("Упала в обморок, судорог не было, ногу до этого свело").to_dict()
    assert a["triage"]["level"] == "urgent"
    assert "seizure_signs" not in _rules(a)
    assert "seizure_first_aid" not in {x["id"] for x in a["advice"]}
    # with convulsions and a bitten tongue it is
    a = assess_text("Упал в обморок, всё тело трясло, прикусил язык").to_dict()
    assert a["triage"]["level"] == "emergency" and "seizure_signs" in _rules(a)


def test_low_sugar_gets_its_first_aid() -> None:
    a = assess_text("Колю инсулин, весь в холодном поту, дрожь, ногу сводит").to_dict()
    first_aid = next(x for x in a["advice"] if x["id"] == "hypoglycaemia_first_aid")
    assert "может глотать" in first_aid["text"] and "ничего не давайте в рот" in first_aid["text"]


def test_statin_muscle_pain_without_dark_urine_is_a_doctor_for_ck() -> None:
    a = assess_text("Принимаю аторвастатин, болят мышцы бёдер, моча обычная").to_dict()
    assert a["triage"]["level"] == "doctor"
    assert "creatine_kinase" in {t["id"] for t in a["tests"]}


def test_tetanus_prone_wound_without_spasms_is_today() -> None:
    a = assess_text("Вчера наступил на ржавый гвоздь, прививку не помню, ногу свело").to_dict()
    assert a["triage"]["level"] == "urgent" and "tetanus_prone_wound" in _rules(a)


def test_the_advice_of_each_new_rule_agrees_with_its_level() -> None:
    new_rules = [r for r in PACK.rules if any(c.source in NEW_SOURCES for c in r.cite)]
    assert len(new_rules) >= 20
    for r in new_rules:
        for aid in r.advice:
            adv = PACK.advice_item(aid)
            if r.level == "emergency":
                assert "call_103" in r.advice, r.id
                # «call now» is never followed by «call if it lasts over 5 minutes»
                assert "дольше 5 минут" not in adv.text, (r.id, aid)
            else:
                assert not adv.title.startswith("Пока едет скорая"), (r.id, aid)
                assert adv.kind in ("first_aid", "visit", "caution"), (r.id, aid)


NEW_SOURCES = {
    "nice_cks_sciatica",
    "baclofen_label",
    "bnf_nms",
    "hunter_serotonin",
    "who_tetanus",
    "nhs_rhabdo",
    "nice_ng238_statins",
    "ukka_hyperkalaemia",
    "sfe_hypocalcaemia",
    "nice_ng133",
    "nice_ng143",
    "nice_ng158",
    "nice_ng128",
    "nice_cg109",
    "nhs_hypoglycaemia",
    "nice_cks_cellulitis",
    "nice_ng19_active",
    "rcp_spasticity",
}


def test_no_dosing_in_the_new_text() -> None:
    import re

    dose = re.compile(r"\b\d+\s*(мг|мкг|мл|г|ед)\b|раз в день|в сутки", re.IGNORECASE)
    for adv in PACK.advice:
        if any(c.source in NEW_SOURCES for c in adv.cite):
            assert not dose.search(adv.text), adv.id


# --- checks: one per family, as CONTRACT.md defines them ---------------------------------------


def test_each_family_has_a_check_that_its_rule_names() -> None:
    checks = {c.id: c for c in PACK.checks}
    kinds = {f.id: f.kind for f in PACK.findings}
    for family, (rule, _, _) in FAMILIES.items():
        matching = [c for c in checks.values() if c.rule == rule]
        assert matching, family
        for c in matching:
            assert c.answer_finding == f"check_{c.id}" and kinds[c.answer_finding] == "check"
            assert RULES[c.rule].red_flag
            # yes to the check fires the rule on its own; no leaves it to the other findings
            assert assess_findings({c.answer_finding: True}).level == RULES[c.rule].level
            assert c.question.endswith("?") and c.findings
    assert checks["baclofen_withdrawal"].relevant is not None
    assert checks["child_fever"].relevant == ex.Present("child")


def test_the_pack_rejects_a_check_whose_rule_does_not_name_its_answer() -> None:
    from pydantic import ValidationError

    from spasmnav.content import Pack

    data = PACK.model_dump(mode="python")
    data["checks"][0]["rule"] = "default_self_care"
    with pytest.raises(ValidationError, match="does not use its answer"):
        Pack.model_validate(data)


# --- An interview path per family ---------------------------------------------------------------

PATHS: dict[str, tuple[str, str, dict[str, Any]]] = {
    # family: (subject, the rule at the end, answers by question; the rest «не знаю»)
    "cauda_equina": ("self", "cauda_equina", {"sx_deficit": ["back"], "rf_cauda": ["saddle"]}),
    "baclofen_withdrawal": (
        "other",
        "baclofen_withdrawal",
        {"hx_medicines": ["baclofen"], "rf_baclofen": ["pump", "visions"]},
    ),
    "neuroleptic_malignant_syndrome": (
        "other",
        "neuroleptic_malignant_syndrome",
        {"hx_medicines": ["neuroleptics"], "rf_drug_reaction": ["rigid", "sweat"]},
    ),
    "serotonin_syndrome": (
        "self",
        "serotonin_syndrome",
        {"hx_medicines": ["antidepressants"], "rf_drug_reaction": ["agitated", "jerks"]},
    ),
    "tetanus": ("self", "tetanus_signs", {"sx_general": ["wound"], "rf_tetanus": ["jaw"]}),
    "rhabdomyolysis": (
        "self",
        "rhabdomyolysis",
        {"mv_kind": ["cramp"], "sx_general": ["urine"]},
    ),
    "potassium": (
        "self",
        "potassium_emergency",
        {"hx_chronic": ["kidney"], "rf_potassium": ["missed", "heart"]},
    ),
    "postop_hypocalcaemia": (
        "self",
        "postoperative_hypocalcaemia",
        {"sx_general": ["hands"], "hx_chronic": ["thyroid_surgery"]},
    ),
    "pre_eclampsia": (
        "self",
        "pre_eclampsia",
        {"hx_chronic": ["pregnancy"], "rf_pregnancy": ["flies", "swelling"]},
    ),
    "child_fever": (
        "other",
        "child_fever_emergency",
        {"sx_general": ["fever", "rash"], "hx_age": 4},
    ),
    "clot_no_swelling": (
        "other",
        "possible_clot_no_swelling",
        {"course_flags": ["bed"], "sx_deficit": ["pain"], "mv_where": "calf"},
    ),
    "posterior_stroke": (
        "self",
        "posterior_circulation_stroke",
        {"sx_deficit": ["dizzy", "vomit"], "gait": ["unsteady"]},
    ),
    "fainting": ("other", "fainting_episode", {"rf_seizure": ["syncope"]}),
    "hypoglycaemia": (
        "other",
        "hypoglycaemia",
        {"hx_medicines": ["glucose"], "rf_hypo": ["sweat", "shakes"]},
    ),
    "leg_infection": (
        "self",
        "cellulitis_suspected",
        {"sx_general": ["fever", "red_leg"], "sx_deficit": ["pain"]},
    ),
    "diabetic_foot": (
        "self",
        "diabetic_foot",
        {"hx_chronic": ["diabetes"], "sx_deficit": ["ulcer"]},
    ),
    "spasticity_worsening": (
        "other",
        "spasticity_sudden_worsening",
        {"hx_stroke": "older", "mv_kind": ["spasm"], "course_flags": ["sudden"]},
    ),
}


@pytest.mark.parametrize("family", sorted(PATHS))
def test_interview_path_reaches_the_family(family: str) -> None:
    subject, rule, answers = PATHS[family]
    run = iv.drive(iv.start(subject=subject), lambda step: answers.get(step.link_id))
    assert set(answers) <= set(run.asked), (family, run.asked)
    result = iv.result(run.state).to_dict()
    assert rule in _rules(result), (family, run.asked, _rules(result))
    level = RULES[rule].level
    assert result["triage"]["level"] == level
    if level == "emergency":
        assert isinstance(run.step, iv.EmergencyStep)
    # the gated red-flag question is asked only when its context was given
    calm = iv.drive(iv.start(subject=subject), lambda step: None)
    gated = {q.linkId for q in PACK.questions if q.red_flag and q.enableWhen}
    assert not gated & set(calm.asked), calm.asked


EMERGENCY_WITHIN = 5  # issue 11: every emergency is reached within five questions


@pytest.mark.parametrize(
    "check", [c for c in PACK.checks if RULES[c.rule].level == "emergency"], ids=lambda c: c.id
)
def test_every_emergency_check_is_one_tick_in_the_first_questions(check: Any) -> None:
    """Each emergency that needs context (a medicine, an operation, a pregnancy) has an option
    of its own in the grouped first-line questions: ticking it stops the interview at once."""
    first_line = [q for q in PACK.questions if q.red_flag and not q.enableWhen]
    # The option that stands for the whole check, else (stroke, seizure, breathing) one of
    # the check's own findings.
    whole = [
        (q.linkId, o.code)
        for q in first_line
        for o in q.answerOption
        if o.sets.get(check.answer_finding) is True
    ]
    one = [
        (q.linkId, o.code)
        for q in first_line
        for o in q.answerOption
        if o.sets and next(iter(o.sets)) in check.findings and next(iter(o.sets.values())) is True
    ]
    ticks = whole + one
    assert ticks, f"{check.id}: no first-line option names the check"
    link, code = ticks[0]
    assert link in check.questions  # «Не знаю» to that question leaves the check open
    state = iv.start(subject="self")
    for _ in range(EMERGENCY_WITHIN):
        step = iv.next_step(state)
        assert isinstance(step, iv.QuestionStep) and step.red_flag, step
        if step.link_id == link:
            break
        state = iv.answer(state, step.link_id, _calm_answer(step.link_id))
    else:
        pytest.fail(f"{check.id}: «{link}» is not among the first {EMERGENCY_WITHIN} questions")
    state = iv.answer(state, link, [code])
    step = iv.next_step(state)
    assert isinstance(step, iv.EmergencyStep), check.id
    assert check.rule in {r.rule for r in step.reasons}
    assert len(state.history) + 1 <= EMERGENCY_WITHIN  # the subject counts as a question
    if not whole:
        return
    # «Ничего из этого» there closes the check; «Не знаю» leaves it unchecked.
    calm = iv.answer(iv.start(subject="self"), link, _calm_answer(link))
    assert check.id not in {u.id for u in iv.result(calm).red_flags_unchecked}
    unknown = iv.answer(iv.start(subject="self"), link, None)
    assert check.answer_finding in iv.facts(unknown)
    assert iv.facts(unknown)[check.answer_finding].present is None


@pytest.mark.parametrize("family", sorted(PATHS))
def test_a_no_to_the_grouped_questions_keeps_the_detailed_path(family: str) -> None:
    """«Ничего из этого» to the grouped first-line questions settles those checks for the
    choice of questions, but the detailed questions of a context still come, and what they
    find still fires its rule: a person may see the danger only when asked in detail."""
    subject, rule, answers = PATHS[family]
    first_line = [q.linkId for q in PACK.questions if q.red_flag and not q.enableWhen]
    given = {link: _calm_answer(link) for link in first_line[:3]} | answers
    run = iv.drive(iv.start(subject=subject), lambda step: given.get(step.link_id))
    assert set(answers) <= set(run.asked), (family, run.asked)
    assert rule in _rules(iv.result(run.state).to_dict()), (family, run.asked)


def _calm_answer(link: str) -> Any:
    q = next(q for q in PACK.questions if q.linkId == link)
    codes = [o.code for o in q.answerOption]
    if q.repeats:
        return ["none"]
    return "no" if "no" in codes else None


def test_every_family_has_an_interview_path() -> None:
    assert set(PATHS) == set(FAMILIES)
