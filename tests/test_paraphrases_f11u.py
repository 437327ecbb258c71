"""Round 8: the families behind families11's and families12's under-triage (urgent and doctor).

Sentences written fresh for each family (none copied from the cases), in chart words with
abbreviations, a patient's, a relative's and a carer's words, with typos, each family with
benign controls that must not fire.

1. A possible clot without the textbook pair: one shin swollen after a flight written as a
   chart («отёк л. голени»), calf pain on pressing in a bedridden or post-stroke patient with no
   swelling (NICE NG158: Wells: tenderness, paralysis, bed rest).
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules
from spasmnav.assessing import assess_text

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


def _findings(text: str) -> set[str]:
    return {f["id"] for f in assess_text(text).to_dict()["findings"] if not f["qualifiers"]}


# --- 1. A possible clot without the textbook pair -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Отёк л. голени после авиаперелёта, ноет.",
        "На л.ноге отёк после самолёта, икра тянет.",
        "Отекла левая икра после 10 часов в самолёте, тянет.",
        "Прилетела вчера, левая нога стала толще правой, побаливает.",
        "отек прав. голени после перелета, тянет икру",
        "Вернулись с моря на поезде, у мамы правая голень опухла, ноет.",
        "Жалуется на боль в левой икре при пальпации, после ОНМК лежит, отёка нет.",
        "Болит икра, когда нажимаешь, он после инсульта, отёка нет.",
        "мама лежачая после инсульта, икра болит, если нажать, не опухла",
        "Бабушка вскрикивает, когда сжимаю ей икру, она после инсульта почти не встаёт.",
        "мама неделю в больнице лежала, теперь икра болит, если надавить",
        "Выписали из стационара три дня назад, левая голень отекла.",
        "После выписки из больницы болит правая икра, не проходит.",
    ],
)
def test_a_clot_without_the_textbook_pair_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]


@pytest.mark.parametrize(
    "text",
    [
        # «л.» after a number is an age, and both shins swollen is not one leg
        "Пациентка 75 л. голени отёчные с обеих сторон к вечеру, ночью сводит икры.",
        # a cramp squeezed by one's own hands is not a calf painful to the touch
        "Когда сводит икру, больно, я сжимаю её руками и растираю.",
        "Пальпация икр безболезненна, ночью сводит икры.",
        "Боли при пальпации нет, икру сводит по ночам после инсульта.",
        # a stay in hospital long ago, or cramps after one, is no calf sign
        "Лежал в больнице с пневмонией три года назад. Ноги сводит по ночам.",
        "После выписки из больницы ночью сводит икры.",
    ],
)
def test_an_age_a_squeezed_cramp_or_a_painless_calf_is_no_clot(text: str) -> None:
    assert not _rules(text) & {"suspected_dvt", "clot_risk_leg", "possible_clot_no_swelling"}


# --- 2. A leg short of blood at rest, or after a bypass (NICE CG147, ESVS 2019) ------------

_LIMB = {"chronic_limb_threat", "leg_artery_worse"}


@pytest.mark.parametrize(
    "text",
    [
        "Атеросклероз сосудов ног. Ночью стопа болит так, что сплю, свесив ногу с кровати.",
        "У папы бляшки в артериях ног, курит. Ночью болят пальцы стопы, легче, когда опускает "
        "ногу вниз.",
        "ОАСНК, перемежающая хромота 100 м. Последние 10 дней боли покоя в правой стопе, "
        "спит сидя.",
        "Мама с атеросклерозом ног, на мизинце появилось черное пятнышко, по ночам ноги сводит.",
        "Критическая ишемия левой н/к, судороги в икре ночью.",
        "Год назад стентирование артерии ноги. Неделю назад проходил 300 метров, теперь 50 м "
        "вместо 300, нога ноет.",
        "После шунтирования на ноге стал проходить меньше, за три дня, и стопа прохладнее другой.",
        "Муж перенёс шунтирование артерии бедра, вчера правая стопа стала холоднее, икру тянет.",
        "у меня шунт на левой ноге, последние дни опять хромаю при ходьбе, хуже стало",
    ],
)
def test_a_limb_short_of_blood_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]
    assert _rules(text) & _LIMB


@pytest.mark.parametrize(
    "text",
    [
        # a cramp eased by standing, no arteries named
        "Ночью сводит икру, свешиваю ногу с кровати, встаю на холодный пол — отпускает.",
        # a black nail after a blow
        "Уронил гантель на ногу, ноготь на большом пальце почернел. Ночью иногда сводит икры.",
        # a heart bypass, not a leg one
        "После аортокоронарного шунтирования ночами сводит икры.",
        # claudication stable for years, no sudden drop
        "Атеросклероз ног много лет, при ходьбе через 200 м икры сводит, постою — проходит.",
        "Вода в бассейне прохладная, после плавания сводит ноги.",
    ],
)
def test_a_cramp_a_bruised_nail_or_stable_claudication_is_no_limb_threat(text: str) -> None:
    assert not _rules(text) & _LIMB


# --- 3. A medicine stopped: baclofen, a benzodiazepine after long use (drug labels, BNF) ---


@pytest.mark.parametrize(
    "text",
    [
        "вторые сутки без баклофена, ногу крутит",
        "Третий день без баклосана — в аптеке нет. Ноги скрючивает, спазмы чаще.",
        "Баклофен не давали с понедельника, забыли в больнице. Нога как палка, дёргается.",
        "Мама забыла баклофен на даче, два дня не пьёт, икры сводит постоянно.",
        "Нет баклофена уже 2 суток, спастика усилилась.",
        "Клоназепам пью два года, три дня не принимал — забыл. Сейчас ноги дёргаются, трясёт,"
        " не сплю, тревога дикая.",
        "Феназепам бросил неделю назад, пил полгода. Теперь ноги подёргиваются, сердце"
        " колотится, сна нет.",
        "Отцу отменили реланиум резко после больницы, пил его года три; ноги трясутся, потеет,"
        " не спит.",
        "диазепам кончился 4 дня назад, принимала много лет, мышцы ног дергаются и тревога",
        "Закончился клоназепам, а рецепт не выписали. Ночью вздрагиваю, тремор в ногах.",
    ],
)
def test_baclofen_or_a_benzodiazepine_stopped_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]
    assert _rules(text) & {"baclofen_stopped_today", "benzodiazepine_withdrawal"}


@pytest.mark.parametrize(
    "text",
    [
        "Баклофен принимаю регулярно, без пропусков. Ночью иногда сводит икры.",
        "Феназепам не принимаю и никогда не принимал. Ноги подёргиваются перед сном.",
        "Ноги сводят по ночам, без воды два часа в жару был.",
        "Клоназепам пью как назначено, без пропусков, подёргивания ног реже.",
    ],
)
def test_a_medicine_taken_without_gaps_or_never_taken_is_no_withdrawal(text: str) -> None:
    assert not _rules(text) & {"baclofen_stopped_today", "benzodiazepine_withdrawal"}


# --- 4. A TIA that passed days ago, told as a question (NICE NG128) ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Неделю назад папа минуты на три перестал находить слова, потом всё прошло. Нога "
        "подёргивается после инсульта. Это важно?",
        "Дня четыре назад мама минут пять не могла подобрать слова, сейчас говорит нормально. "
        "Ноги сводит.",
        "На прошлой неделе у мужа минут на десять пропала речь, а потом восстановилась. Ногу "
        "дёргает.",
        "Позавчера дед путал слова полчаса, сегодня всё хорошо. После инсульта спастика в ноге.",
        "Пару дней назад на минуту онемела правая рука, прошло само. Ноги по ночам сводит.",
        "3 дня назад речь была невнятная минут 15, потом прошло, икры сводит — надо ли к врачу?",
        "Неделю назад у бабушки на пару минут перекосило рот, мы думали показалось. Ноги "
        "дёргаются.",
        "ТИА? 5 дней назад эпизод: не мог подобрать слова ~10 мин, регресс полный. Крампи в икрах.",
        "На прошлой неделе перенёс ТИА, в больницу не ездил. Ноги сводит.",
        "Три дня назад был микроинсульт, прошёл сам, к врачу не ходили. Ногу дёргает.",
    ],
)
def test_a_tia_days_ago_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]
    assert "recent_tia" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Два года назад при инсульте пропала речь, сейчас говорит хорошо. Ногу дёргает ночью.",
        "Иногда забываю слова, как все в мои годы. Ноги сводит по ночам.",
        "Неделю назад потеряла ключи, расстроилась, ноги дёргаются перед сном.",
        "Речь не нарушалась ни разу. Неделю назад начались ночные судороги в икрах.",
        "Пять лет назад был микроинсульт. Ногу дёргает.",
        "ТИА в 2019 году, неделю назад начались судороги в икрах.",
    ],
)
def test_an_old_stroke_a_lost_word_or_lost_keys_is_no_recent_tia(text: str) -> None:
    assert "recent_tia" not in _rules(text)


# --- 5. Out of scope: pain under the right ribs with a fever or jaundice (Tokyo 2018) -----


@pytest.mark.parametrize(
    "text",
    [
        "Боль в правом подреберье после жирной еды, t 38,0, желтушность склер.",
        "У мамы второй день болит под рёбрами справа, температура 38,5, глаза пожелтели.",
        "болит справа под ребром, знобит, температура 38,2, тошнит",
        "Жалобы на боли в прав. подреберье, Т 38,6, иктеричность кожи.",
        "Пожелтели белки глаз, тошнит, моча тёмная. Иногда сводит икры.",
        "Папа пожелтел, кожа желтая, болит живот справа, ноги сводит по ночам.",
        "После шашлыка заболело под ложечкой и справа под рёбрами, к вечеру температура 38.",
        "Желтуха появилась три дня назад, и живот болит, и чешется кожа.",
    ],
)
def test_right_upper_pain_with_fever_or_jaundice_is_seen_today(text: str) -> None:
    assert RANK[_level(text)] >= RANK["urgent"]
    assert "biliary_pain_fever" in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Глаза жёлтые от усталости? Нет, просто красные. Ноги сводит по ночам.",
        "Болит справа под рёбрами после бега, температуры нет. Икры сводит.",
        "Купила жёлтые носки, ноги сводит по ночам.",
        "Температура 37,2, насморк, ноги крутит.",
    ],
)
def test_yellow_socks_tired_eyes_or_a_stitch_without_fever_is_no_biliary_sign(text: str) -> None:
    assert "biliary_pain_fever" not in _rules(text)


# --- 6. Doctor-level reasons read as self-care ----------------------------------------------
# Low vitamin D or calcium with cramps (seed 003; NICE CKS), cramps since a medicine that causes
# them (NICE CKS: beta-agonists, nifedipine, raloxifene…), crying or laughing without cause
# after a stroke (NICE NG236: emotionalism), a diary whose counts rise day after day.

_DOCTOR = {
    "low_vitamin_d_cramps",
    "cramps_after_medicine",
    "emotional_lability_doctor",
    "diary_counts_rising",
}


@pytest.mark.parametrize(
    "text",
    [
        "25(OH)D 9 нг/мл, кальций на нижней границе. Крампи в икрах по ночам, ноют голени.",
        "Анализы: дефицит витамина D, кальций низкий. Ноги сводит, мышцы подёргиваются.",
        "У мамы нашли недостаток витамина Д, жалуется на судороги в ногах.",
        "Врач сказал — остеомаляция, щелочная фосфатаза повышена; ноги сводит по ночам.",
        "Судороги в икрах начались после начала приёма сальбутамола, астма.",
        "Папе дали новый ингалятор беродуал, теперь по ночам сводит пальцы ног.",
        "Как начала принимать ралоксифен, ноги сводит каждую ночь.",
        "После начала приёма таблеток от давления сводит икры по ночам.",
        "Поменяли таблетки от давления на нифедипин — с тех пор сводит икры.",
        "После назначения нового препарата от кардиолога стали подёргиваться ноги.",
        "После инсульта мама плачет без причины, не может остановиться, ногу дёргает.",
        "Насильственный плач после ОНМК, судороги в ноге редкие.",
        "Отец стал плаксивым после инсульта, то смеётся без причины, то рыдает; нога "
        "подёргивается.",
        "эмоционально лабилен, слезы на пустом месте, спастика левой ноги",
        "Дневник за неделю: пн — 3 подёргивания ночью, вт — 5, ср — 4, чт — 7, пт — 8, сб — 9. "
        "Днём спокойно.",
        "Записываю судороги: понедельник 1, вторник 2, среда 4, четверг 5, пятница 7.",
        "01.03 — 2 раза, 02.03 — 3 раза, 03.03 — 5, 04.03 — 6, 05.03 — 8. Ногу сводит всё чаще.",
        "1-й день 2 спазма, 2-й день 3, 3-й день 5, 4-й день 6 — это нормально?",
        "сводит икры: пн-1 вт-2 ср-2 чт-4 пт-5",
    ],
)
def test_doctor_level_reasons_are_not_self_care(text: str) -> None:
    assert RANK[_level(text)] >= RANK["doctor"]
    assert _rules(text) & _DOCTOR


@pytest.mark.parametrize(
    "text",
    [
        "Витамин D в норме, кальций в норме. Ноги сводит после тренировки.",
        "Принимаю витамин Д по совету врача, иногда сводит икры после бега.",
        "Плакала на свадьбе дочери от счастья, а ночью свело икру.",
        "Начала принимать магний, судороги в икрах стали реже.",
        "Ингалятор не использую, астмы нет, ноги сводит по ночам.",
        # a start of running, not of a medicine
        "После начала пробежек по утрам сводит икры.",
        "Дневник: пн — 5 подёргиваний, вт — 2, ср — 6, чт — 3, пт — 5, сб — 4.",
        "Дневник судорог: пн 8, вт 6, ср 5, чт 3, пт 2. Стало лучше.",
        "пн — 2, вт — 2, ср — 2, чт — 3 судороги ночью.",
        "Баклофен: пн 10 мг, вт 15 мг, ср 20 мг, чт 25 мг, ногу тянет меньше.",
    ],
)
def test_normal_tests_happy_tears_or_a_diary_going_down_stay_self_care(text: str) -> None:
    assert not _rules(text) & _DOCTOR
