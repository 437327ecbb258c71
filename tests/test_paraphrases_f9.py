"""Round 8: the families behind families9's under-triage (an outside clinician's held-out set).

Sentences written fresh for each family (none copied from the cases), in chart words, a
patient's, a relative's and a nurse's words, with a variant that must not fire.

1. A potassium value in a chart in any script: «K+ 6,8», «K 7,1», «К 6.2» (UKKA 2023).
2. Stroke signs and breathlessness in Ukrainian, surzhyk and Belarusian («почав погано
   говорити, слова якісь не ті», «рука не тримає», «задыхаецца, губы сінія»).
3. A swollen leg with fast breathing or a racing heart, however said («часто-часто», «сердце
   колотится»): a likely pulmonary embolism (NICE NG158 Wells score).
4. A passive wish to die («лучше бы вообще не проснулся», «зачем я живу», «жить надоело»)
   is seen today (NICE NG222); a plan or «лучше бы меня не было» stays 103 (NICE NG225).
5. A small child found with pills within reach (an open packet, pills in the mouth): a
   possible poisoning, 103 (NHS).
6. A baby with series of jerks or flexions (head nods, legs drawn up, stopped smiling):
   possible infantile spasms, seen today.
7. Tizanidine or baclofen with a low pressure and symptoms, or a faint: seen today (the
   tizanidine label; NHS low blood pressure).
8. More surzhyk: a stopped baclofen, hallucinations, shaking, a stroke told in Ukrainian.
9. Drowsiness, dizziness or unsteadiness on baclofen, tizanidine, gabapentin or pregabalin, and
   a question how many tablets one may take: the prescriber's (NHS medicines).
10. A wound, blister or black patch on the heel or under an orthosis: a doctor (NICE CG179).
11. Sudden back pain after a cough or bending with osteoporosis or in old age: a doctor, for
    a vertebral fracture (AAFP 2016).
12. «После удара» is after a stroke, «после удара по ноге» a blow.
13. Cramps with dizziness, even passed: a doctor (NICE CKS leg cramps; NHS low blood pressure).
14. The rest of surzhyk: a seizure, a cold pale leg, pressure («тиск»), and Ukrainian letters
    inside drug names and loanwords («тизанідин», «інсульт»).
15. A child's age set off by a comma, a bracket or a dash («Дочка (3 года)», «Сын, 2 года»)
    is an age, not how long it has lasted.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules
from spasmnav.assessing import understand

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


def _present(text: str, finding: str) -> bool:
    obs = understand(text).facts.get(finding)
    return obs is not None and obs.present is True


# --- 1. A potassium value in a chart ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Лаб.: K+ 6,8 ммоль/л, креатинин 380. Судороги в ногах.",
        "Биохимия: Na 138, K 7,1 ммоль/л. Жалобы на слабость в ногах.",
        "В анализе К 6.2, икры сводит, сил нет.",
        "калий 6.9 пришёл сегодня, ноги ватные",
        "Калий в крови 6,5, ноги сводит по ночам.",
        "у папы калия было 7.2 в анализе, ноги как чужие",
        "k+ 6,4 ммоль/л по результатам, мышцы ног подёргиваются",
        "Гиперкалиемия, калий 6,3, ноги слабые, тошнит.",
        "K+=6.8 ммоль/л, слабость в ногах.",
        "Электролиты: К+: 7,0, ноги ватные.",
        "K(+) 6,9 ммоль/л, судороги икр.",
    ],
)
def test_a_potassium_of_six_or_more_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
    assert "high_potassium_kidneys" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "K+ 5,8 ммоль/л, ноги сводит по ночам.",
        "Гиперкалиемия в анализах, икры сводит.",
    ],
)
def test_a_raised_potassium_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        "K+ 4,2 ммоль/л, ноги сводит по ночам.",
        "Приду к 7.30 на массаж, ноги сводит.",
        "Калий 4,8, натрий 140, судороги в икрах ночью.",
        "K+ 4,1, Na+ 140, ноги сводит.",
    ],
)
def test_a_normal_potassium_or_an_hour_is_no_high_potassium(text: str) -> None:
    assert not _present(text, "high_potassium_value")


# --- 2. Ukrainian, surzhyk and Belarusian red-flag words ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мама з ранку стала погано говорити, рука не тримає ложку.",
        "Тато не може втримати чашку, слова якісь не ті з обіду, нога смикається.",
        "Чоловік сьогодні почав погано говорити, ногу зводить.",
        "Бабуся вранці почала говорити якісь не ті слова, литку зводить.",
        "Дід задихається, губи сині, литка набрякла.",
        "Баба задыхаецца, губы сінія, нагу зводзіць.",
        "Мені важко дихати і литка набрякла після операції.",
        "Мамі не вистачає повітря, губи посиніли, нога товста.",
    ],
)
def test_surzhyk_and_belarusian_red_flags_are_emergencies(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Дихати нормально, губи не сині, литку зводить ночами.",
        "Говорить нормально, рука тримає чашку, ногу зводить ночами.",
    ],
)
def test_surzhyk_denials_stay_denials(text: str) -> None:
    assert RANK[_level(text)] <= RANK["doctor"]


def test_speaking_badly_in_russian_is_a_stroke_sign_but_a_foreign_accent_is_not() -> None:
    assert _level("Папа стал плохо говорить час назад, ногу сводит.") == "emergency"
    assert "stroke_warning_signs" not in _rules("Он плохо говорит по-русски, ноги сводит ночами.")


# --- 3. A swollen leg with fast breathing or a racing heart ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Одышки нет, но дышит быстро-быстро, правая голень с утра отекла.",
        "Нога правая отекла, сердце колотится как бешеное, ногу сводит.",
        "Голень слева распухла, тахикардия 115, икру тянет.",
        "Дыхание учащённое, левая икра опухла и болит.",
        "У мамы одна нога толще другой, и сердце частит, хотя говорит, что всё хорошо.",
        "после операции икра раздулась, дышит часто-часто",
    ],
)
def test_a_swollen_leg_with_a_racing_heart_or_fast_breathing_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


def test_a_racing_heart_after_coffee_with_both_legs_swollen_is_no_clot() -> None:
    text = "Обе ноги отекают к вечеру, сердце колотится после кофе."
    assert "pe_signs_with_leg_swelling" not in _rules(text)


def test_a_word_said_twice_is_read_once() -> None:
    assert _present("Говорит еле-еле с утра, ногу сводит.", "speech_disturbance")
    assert _present("Дышит часто-часто, ногу сводит.", "breathing_difficulty")


# --- 4. A passive wish to die ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Муж после инсульта сказал, что лучше бы вообще не проснулся. Ногу сводит.",
        "Мама говорит: зачем я живу, только мучаю всех. Ноги сводит.",
        "папа плачет, говорит жить надоело, ногу сводит",
        "бабушка повторяет, что пора на тот свет, ноги дёргаются",
        "Хочется заснуть и не проснуться, ноги болят и сводит.",
        "Говорит, всем будет лучше без меня. Ногу сводит.",
        "Я устал от жизни с этой спастикой, нога не гнётся.",
        "Отец твердит: для чего я живу, лежачий. Ноги сгибает по ночам.",
        "Не вижу смысла просыпаться по утрам, нога тянет.",
    ],
)
def test_a_passive_wish_to_die_is_seen_today_at_least(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]
    assert _rules(text) & {"suicide_risk", "passive_death_wish_today"}


@pytest.mark.parametrize(
    "text",
    [
        "Говорит, всем будет лучше без меня. Ногу сводит.",
        "Мама шепчет: скорей бы умереть. Ноги сводит по ночам.",
        "Думаю, что лучше бы не проснуться, и уже собрала таблетки. Ноги сводит.",
    ],
)
def test_a_wish_to_die_or_a_plan_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Ноги сводит по ночам, проснусь и не могу уснуть.",
        "Устал от ходьбы, икры сводит.",
        "Зачем я пью баклофен, если нога всё равно тянет?",
    ],
)
def test_waking_and_tiredness_are_no_wish_to_die(text: str) -> None:
    assert not _rules(text) & {"suicide_risk", "passive_death_wish_today"}


# --- 5. A small child with pills within reach ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сыну 2 года, нашла его с открытой упаковкой дедушкиных таблеток, ножки дрожат.",
        "Дочке 3 года, залезла в аптечку, рядом пустой блистер, она какая-то сонная.",
        "Малыш грыз таблетки бабушки, теперь шатается и ноги трясутся.",
        "ребенок 4 лет добрался до таблеток от давления, вялый",
        "Внуку два года, рассыпал таблетки по полу, таблетка во рту была. Ножки подёргиваются.",
        "Девочке полтора года, рылась в аптечке, нашли её с таблетками в руке.",
        "Сынишка играл с таблетками баклофена, сейчас ноги дёргаются.",
    ],
)
def test_a_small_child_with_pills_within_reach_is_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"
    assert "poisoning_suspected" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Бабушка открыла новую упаковку таблеток, ноги по ночам сводит.",
        "Сыну 10 лет, после футбола сводит икры.",
    ],
)
def test_an_adult_packet_or_a_child_without_pills_is_no_poisoning(text: str) -> None:
    assert "poisoning_suspected" not in _rules(text)


# --- 6. A baby with series of jerks ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Малышу 5 месяцев. Сериями вздрагивает и подтягивает ножки к животу, по 10 раз подряд.",
        "Грудничок кивает головой и поджимает ножки, много раз друг за другом, после сна.",
        "Дочке 8 месяцев, ножки резко сгибаются сериями, и она перестала улыбаться.",
        "Сыну 10 месяцев, по утрам дёргается сериями: голова падает вперёд, ручки вскидывает.",
        "Ребенку 6 мес, несколько раз в день подряд вздрагивает всем телом, разучился сидеть.",
        "Младенец 4 месяца, ножки дергаются один за другим приступ, серия по 20.",
        "Грудничок 4 мес вздрагивает пачками по многу раз.",
        "У полугодовалого сына серии кивков головой.",
    ],
)
def test_series_of_jerks_in_a_baby_are_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]
    assert "infantile_spasms_suspected" in _rules(text) or _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Малыш 6 месяцев вздрогнул во сне один раз, спокойно спит дальше.",
        "Мне 70 лет, ноги сводит сериями по ночам.",
    ],
)
def test_one_startle_or_an_adult_series_is_no_infantile_spasm(text: str) -> None:
    assert "infantile_spasms_suspected" not in _rules(text)


# --- 7. An antispastic with a low pressure or a faint ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Маме дали тизанидин, давление 85/50, бледная, еле стоит на ногах.",
        "Пью баклофен, вчера упала в обморок в ванной, ноги сводит.",
        "Сирдалуд начали, давление 90/55, голова кружится, когда встаёт.",
        "После сирдалуда АД 80/50, слабость сильная, спастика меньше.",
        "Баклофен подняли до трёх таблеток, давление упало, побледнел и шатается.",
        "тизанидин 2 день, давление низкое, ноги подкашиваются, тошнит",
        "После тизанидина давление 80 на 50, слабость.",
        "Сирдалуд вечером, утром АД 85/55, спастика меньше.",
    ],
)
def test_an_antispastic_with_a_low_pressure_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        "На баклофене давление 95/60, как всегда, самочувствие хорошее, нога тянет.",
        "Давление 85/50 у меня всю жизнь, без лекарств, икры сводят по ночам.",
    ],
)
def test_a_usual_low_pressure_without_symptoms_is_no_drug_reaction(text: str) -> None:
    assert "antispastic_low_pressure" not in _rules(text)


# --- 8. More surzhyk -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Чоловік кинув баклофен різко, тепер його трусить, температура 38,5 і бачить людей.",
        "Мама пила баклофен, тиждень тому кинула, тепер ноги підкидає і температура 39.",
        "Батько після інсульту зранку погано говорить, рука не тримає ложку.",
    ],
)
def test_more_surzhyk_emergencies(text: str) -> None:
    assert _level(text) == "emergency"


def test_surzhyk_restless_legs_after_a_stroke_reach_a_doctor() -> None:
    text = "Мамі після інсульту ночью ноги крутить, не може лежати, треба встати й ходити."
    assert RANK[_level(text)] >= RANK["doctor"]


# --- 9. Side effects of antispastics and gabapentinoids; dose questions -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Папе дали баклофен, нога меньше тянет, но он весь день сонный.",
        "Начала прегабалин от подёргиваний, днём покачивает, голова кружится.",
        "На габапентине шатает, когда иду, хотя ноги дёргаются меньше.",
        "Сирдалуд пью неделю, сплю на ходу, спастика получше.",
        "после лирики голова кружится и сонливость, ноги сводит реже",
        "Баклофен помогает, только пошатывает немного по утрам.",
    ],
)
def test_side_effects_of_antispastics_reach_a_doctor(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]
    assert _rules(text) & {"antispastic_side_effects_doctor", "antispastic_low_pressure"} or (
        RANK[_level(text)] >= RANK["urgent"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "Сколько таблеток баклофена можно пить в день, если нога тянет?",
        "Можно ли увеличить дозу тизанидина самому? Спастика сильная.",
        "Какая доза габапентина максимальная? Ноги дёргаются по ночам.",
        "можно ли пить по две таблетки баклофена сразу, нога не гнётся",
        "Хочу повысить дозу сирдалуда, нога всё равно сгибается.",
    ],
)
def test_a_dose_question_reaches_a_doctor(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]


def test_an_antispastic_without_side_effects_is_no_side_effect() -> None:
    text = "Пью баклофен полгода, всё хорошо, нога тянет меньше."
    assert "antispastic_side_effects_doctor" not in _rules(text)


# --- 10. A wound under an orthosis ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Мама ходит в ортезе на голень, на пятке почернела кожа, нога тянет.",
        "Тутор натёр пятку до крови, спастика в стопе сильнее.",
        "После ортеза пузырь на пятке, папа не чувствует, ногу сводит.",
        "Под шиной на ноге рана, ногу тянет и сгибает.",
        "Носит ортопедический ботинок, на пятке язва, ногу дёргает.",
        "У деда на пятке чёрное пятно, лежит после инсульта, ноги сгибаются.",
    ],
)
def test_a_wound_under_an_orthosis_or_on_the_heel_reaches_a_doctor(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]
    assert _rules(text) & {"orthosis_skin_wound", "infected_wound_spreading"} or (
        RANK[_level(text)] >= RANK["urgent"]
    )


def test_an_orthosis_without_a_wound_is_no_wound() -> None:
    text = "Ношу ортез на голень, кожа целая, ногу тянет меньше."
    assert "orthosis_skin_wound" not in _rules(text)


# --- 11. Osteoporotic back pain -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "У меня остеопороз. Кашлянула — резкая боль в спине, ноги сводит.",
        "Бабушке 82, нагнулась за тапком, и заболела спина, ноги по ночам сводит.",
        "Остеопороз, чихнула и прострелило поясницу, икры сводит.",
        "Маме 78 лет, подняла сумку — сильная боль в спине, ноги подёргиваются.",
        "при остеопении после кашля болит спина посередине, судороги в ногах",
        "Мне 70, неловко повернулась в кровати, и резко заболела спина. Ногу сводит.",
        "У бабушки был компрессионный перелом, снова заболела спина после наклона.",
    ],
)
def test_back_pain_after_a_minor_strain_in_osteoporosis_reaches_a_doctor(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]


def test_a_young_back_after_the_gym_is_no_vertebral_fracture() -> None:
    text = "Мне 30, после спортзала немного болит спина, икры сводит."
    assert "osteoporotic_back_pain" not in _rules(text)


# --- 12. «После удара» -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Дед после удара, лежит, ночью ногу дёргает, кричит от боли.",
        "Отца хватил удар в прошлом году, теперь нога не гнётся.",
        "Мама перенесла удар, правая нога тянет и сгибается.",
    ],
)
def test_the_everyday_udar_is_a_stroke(text: str) -> None:
    assert _present(text, "post_stroke")


@pytest.mark.parametrize(
    "text",
    [
        "После удара по ноге мячом икра болит и сводит.",
        "После удара о край кровати голень ноет, ногу сводит.",
    ],
)
def test_a_blow_to_the_leg_is_no_stroke(text: str) -> None:
    assert not _present(text, "post_stroke")


# --- 13. Cramps with dizziness --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ногу свело вчера, и голова немного кружилась, сейчас прошло.",
        "Икры сводит, и голова кружится, когда встаю, давление скачет.",
        "судороги в ногах и головокружение второй день",
        "Маму шатает от головокружения, и ноги сводит по ночам.",
        "Сводит икры, и бывает, что темнеет в глазах.",
    ],
)
def test_cramps_with_dizziness_reach_a_doctor(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]


def test_cramps_without_dizziness_stay_self_care_when_nothing_else() -> None:
    text = "Ночью свело икру, потянул носок на себя, прошло. Голова не кружится."
    assert "cramps_with_dizziness" not in _rules(text)


# --- 14. The rest of surzhyk ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Тато знепритомнів, судоми по всьому тілу.",
        "Нога холодна і бліда, дуже болить, раптово почалось.",
        "Мамі раптом оніміла права рука і перекосило обличчя, ногу зводить.",
        "Дід непритомний, не відповідає, ноги смикаються.",
        "Чоловік прикусив язик, судоми всього тіла, не розуміє нічого.",
        "Бабуля з раніцы не можа гаварыць, твар перакасіла, рука не трымае.",
        "Маці страціла прытомнасць, сутаргі ўсяго цела.",
        "Дзеду раптам анямела рука, нагу зводзіць.",
    ],
)
def test_surzhyk_seizures_limb_ischaemia_and_stroke_are_emergencies(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Тиск 85/50 після тизанідину, голова паморочиться.", "tizanidine"),
        ("Тиск 85/50 після тизанідину, голова паморочиться.", "low_pressure_reading"),
        ("Після інсульту нога тягне.", "post_stroke"),
        ("Батько п'є баклофен, сонний весь день.", "taking_baclofen"),
    ],
)
def test_ukrainian_letters_inside_words_meet_the_lexicon(text: str, finding: str) -> None:
    assert _present(text, finding)


def test_a_surzhyk_low_pressure_on_tizanidine_is_seen_today() -> None:
    assert _level("Тиск 85/50 після тизанідину, голова паморочиться.") == "urgent"


# --- 15. A child's age set apart -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Дочка (3 года) залезла в аптечку, рядом пустой блистер, она сонная.",
        "Сын, 2 года, ножки дёргаются во сне.",
        "Внучка — 4 года, ноги сводит по ночам.",
        "Сынок (1,5 года) грыз таблетки, теперь шатается.",
    ],
)
def test_a_childs_age_set_apart_is_an_age(text: str) -> None:
    age = understand(text).facts.get("age")
    assert age is not None
    assert age.value is not None
    assert age.value < 5


@pytest.mark.parametrize(
    "text",
    [
        "Сын, 2 года назад сломал ногу, теперь сводит икру.",
        "Мама, 3 года ноги сводит по ночам.",
    ],
)
def test_a_time_after_a_comma_stays_a_time(text: str) -> None:
    assert understand(text).facts.get("age") is None
