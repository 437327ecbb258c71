"""Round 8: the families behind families9's over-triage (an outside clinician's set).

Sentences written fresh for each family (none copied from the cases), in a patient's, a
relative's and a chart's words, with typos, each beside a positive control: the true danger
said nearby keeps its level.

1. A limb gone numb from a position («нога на ногу», «отсидел», «затекла», «на корточках»):
   pressure on a nerve, not a stroke sign; numbness that does not pass, weakness, a face or
   half the body gone numb stay emergencies.
2. Muscles twitching «по всему телу» (fasciculations, the worry of ALS) are no convulsion of
   the whole body; a body that shakes, convulsions all over, a faint stay seizures.
3. Chorea (Sydenham's after a sore throat in a child, Huntington's in an adult): an arm and a
   leg jerking with grimacing or fidgeting for weeks are no seizure; an attack word, eyes
   rolling, minutes of jerking, a new onset today, no answer stay emergencies.
4. Tingling lips and cramped hands while over-breathing in a panic attack (hyperventilation)
   are no sign of low calcium; after a thyroid operation, or without the panic and the fast
   breathing, they stay today's calcium or an emergency.
5. Food poisoning (vomiting and diarrhoea after a meal) with cramps is gastroenteritis, not a
   swallowed poison; mushrooms, tablets, a liquid from a bottle, double vision or a child stay
   a possible poisoning.
6. Skin read at its site: a vaccine's injection site red and warm within two days is the
   expected local reaction, not cellulitis; non-blanching redness over the sacrum or a heel
   of a person who lies a lot is an early pressure sore, not a meningococcal rash. Pus,
   spreading redness, a rash, spots or dots, a later reaction stay what they were.
7. Vague findings that raised a benign text to a doctor: «постоянно», «часто» said of a
   trigger («кофе пью постоянно») is no frequency of the twitch; calves and thighs cramping
   in a race or a match are the working muscles, not cramps spreading to other groups. Said
   of the twitch or with a spread, dark urine, it stays.
8. Pain at rest eased by hanging the leg down, with blue or pale toes, is chronic critical
   ischaemia: a vascular surgeon today, never lower; sudden, severe, numb or paralysed, or
   hanging that does not help, stays acute ischaemia (103).
9. A plain night cramp a year or more after a stroke the person recovered from is the cramp
   anyone may have: self-care unless frequent; a recent stroke, a residual deficit, twitching
   or frequent cramps stay the doctor's.
"""

from __future__ import annotations

import pytest

from reading_helpers import level as _level
from reading_helpers import rules as _rules

RANK = {"self_care": 0, "doctor": 1, "urgent": 2, "emergency": 3}


# --- 1. A limb numb from a position ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сидел нога на ногу на совещании, правая нога онемела, через пару минут прошло.",
        "Отсидел ногу в машине, не чувствую её, покалывает иголками, потом разошлась.",
        "Мама долго сидела на корточках на огороде, ноги онемели, постояла и отошли.",
        "Просидел по-турецки час, левая нога затекла и онемела, минут через пять всё прошло.",
        "пасидел нога на нагу ,нога анемела потом атпустила",
        "Сидела, поджав ноги под себя, нога стала как ватная, размяла — отошла.",
        "Пациентка сидела в неудобной позе, онемела стопа, после ходьбы всё вернулось.",
        "Дочка говорит, что отсидела ногу на уроке и нога онемела, на перемене прошло.",
    ],
)
def test_a_limb_numb_from_a_position_is_no_stroke_sign(text: str) -> None:
    assert "stroke_warning_signs" not in _rules(text)
    assert RANK[_level(text)] <= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        # a face, a side, weakness, or numbness that does not pass: still a stroke sign
        "Сидел нога на ногу, вдруг перекосило лицо и речь стала невнятной.",
        "Сидела нога на ногу, встала — нога не слушается, подволакиваю уже час.",
        "Отсидел ногу, она онемела и не проходит уже три часа.",
        "Сидела нога на ногу, вдруг онемела левая половина лица.",
        "Бабушка сидела на корточках, встала и у неё отнялась правая нога.",
        "Отсидела ногу, а через час вдруг онемела правая рука и нога.",
        # no position at all
        "Внезапно онемела правая нога, я просто сидела на диване.",
        "С утра онемела левая рука и левая нога.",
        "Затекла шея, и вдруг онемела правая рука.",
    ],
)
def test_a_stroke_sign_beside_a_position_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


# --- 2. Fasciculations all over the body ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Боюсь, что это БАС: мышцы подёргиваются по всему телу уже месяц, говорю и глотаю "
        "нормально, силы в ногах хватает.",
        "Начиталась про БАС. Дёргаются мышцы то в икре, то в плече, по всему телу, слабости нет.",
        "Фасцикуляции по всему телу третью неделю, речь не изменилась.",
        "у меня мышцы по всему телу дергаюца, бас боюсь, разговариваю нормально",
        "Подёргивания мышц по всему телу после ковида, тревожусь из-за БАС, руки и ноги сильные.",
        "Сын-студент жалуется: мышцы дёргаются по всему телу перед сессией, кофе литрами.",
        "Я уверен, что у меня БАС: мышцы дёргаются по всему телу, и полгода стал поперхиваться.",
    ],
)
def test_muscles_twitching_all_over_are_no_convulsion(text: str) -> None:
    assert "seizure_signs" not in _rules(text)
    assert RANK[_level(text)] <= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        "Всё тело дёргается, бьётся, изо рта пена, не отвечает.",
        "Мышцы дёргаются по всему телу, потом потерял сознание и обмочился.",
        "Мама вдруг стала невнятно говорить, мышцы дёргаются по всему телу.",
        "У сына судороги по всему телу, глаза закатились.",
        "Папу трясёт всего, дёргаются руки и ноги, на вопросы не отвечает.",
    ],
)
def test_a_convulsing_body_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


# --- 3. Chorea -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сыну 9 лет, недели три как руки и ноги дёргаются беспорядочно, кривляется, "
        "не может усидеть на месте, после ангины.",
        "У внучки после больного горла уже месяц дёргаются ручки и ножки, гримасы на лице.",
        "ребенок 10 лет последнее время постоянно дергает рукой и ногой, гримасничает",
        "Маме 50, в последнее время руки и ноги подёргиваются, гримасничает, у отца хорея.",
        "Девочка 11 лет: вторую неделю подёргивает руку и ногу, вертится за партой.",
        "Со слов матери, в течение месяца у ребёнка дёргаются рука и нога, гримасничает.",
    ],
)
def test_chorea_over_weeks_is_no_seizure(text: str) -> None:
    assert "seizure_signs" not in _rules(text)
    assert _level(text) in {"doctor", "urgent"}


@pytest.mark.parametrize(
    "text",
    [
        "Ребёнку 8 лет, месяц гримасничает, а сегодня дёргаются руки и ноги, глаза закатились.",
        "Ребёнку 8 лет, месяц гримасничает, а сегодня дёргаются руки и ноги.",
        "Сыну 6 лет, дёргаются рука и нога уже 10 минут, гримаса на лице, не отвечает.",
        "Дочка, 5 лет: приступ — дёргаются руки и ноги, потом уснула.",
        "У дочки дёргаются руки и ноги, гримасничает.",
        "Внук неделю гримасничает, а час назад упал, дёргаются руки и ноги, пена изо рта.",
    ],
)
def test_a_seizure_beside_grimacing_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


# --- 4. Panic with over-breathing -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "При панической атаке гипервентиляция, онемение вокруг рта, кисти сводит, ноги тоже.",
        "пацыентка тревожная, гипервентиляция, колет вокруг рта, сводит икры",
        "Во время панической атаки покалывает вокруг рта, сводит пальцы и икры, подышала в "
        "пакет — прошло.",
    ],
)
def test_tingling_while_over_breathing_in_panic_is_no_low_calcium(text: str) -> None:
    assert "hypocalcaemia_tingling" not in _rules(text)
    assert RANK[_level(text)] <= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        "У дочки паника перед экзаменом: дышит часто-часто, губы покалывает, пальцы скрючило, "
        "икры свело, подышала в пакет — прошло.",
        "Стресс на работе, приступ паники, учащённое дыхание, покалывание губ, свело стопы.",
        "Невроз, во время приступов частое дыхание, немеют губы, ноги сводит.",
    ],
)
def test_breathing_fast_in_panic_is_no_low_calcium_but_stays_a_breathing_sign(text: str) -> None:
    # «дышит часто» is read as a breathing difficulty whatever the setting: a clot in the lung
    # can look like panic, so the reader does not explain fast breathing away (when in doubt,
    # the more urgent level).
    assert "breathing_or_chest" in _rules(text)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        (
            "Щитовидку удалили три дня назад. Нервничаю, дышу часто-часто, покалывает губы, "
            "сводит руки.",
            "emergency",
        ),
        ("После операции на паращитовидных железах вчера колет губы и сводит пальцы.", "emergency"),
        (
            "Покалывает вокруг рта и сводит руки и ноги, уже второй день, дыхание нормальное.",
            "urgent",
        ),
        ("Покалывает губы, сводит кисти, паники нет, дышу спокойно.", "urgent"),
        (
            "Панические атаки бывают, но сейчас спокойна. Покалывает вокруг рта, сводит ноги.",
            "urgent",
        ),
    ],
)
def test_tingling_without_over_breathing_stays_urgent(text: str, level: str) -> None:
    assert _level(text) == level


# --- 5. Food poisoning ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Траванулся шаурмой, всю ночь рвало и понос, теперь ноги сводит судорогой.",
        "Пищевое отравление после кафе, жидкий стул весь день, икры крутит.",
        "отравилась салатом на дне рождения, понос и рвота, ночью свело ногу",
        "Муж отравился несвежей рыбой, понос, тошнит, икры сводит.",
        "У пациента пищевое отравление, диарея 3 раза, судороги икроножных мышц.",
        "Кажется, отравилась чем-то в столовой: рвота, понос, к вечеру начало сводить икры.",
    ],
)
def test_food_poisoning_with_cramps_is_no_swallowed_poison(text: str) -> None:
    assert "poisoning_suspected" not in _rules(text)
    assert _level(text) in {"doctor", "urgent"}


@pytest.mark.parametrize(
    "text",
    [
        "Отравился грибами, рвота, понос, сводит ноги.",
        "Отравилась чем-то, рвота, сводит ноги, стало двоиться в глазах.",
        "Ребёнок отравился чем-то, рвота и понос, ножки сводит.",
        "Отравился таблетками, рвота, сводит ноги.",
        "Выпил что-то из бутылки в гараже, рвота, сводит ноги.",
        "Отравился палёной водкой, рвота, понос, судороги в ногах.",
    ],
)
def test_a_named_poison_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "Траванулась в кафе, вторые сутки рвота и понос, во рту сухо, икры сводит.",
        "Пищевое отравление: рвёт и понос с ночи, почти не писаю, ноги сводит.",
        "Отравился чем-то, рвота, понос, почти не пьёт, свело икру.",
    ],
)
def test_food_poisoning_with_a_sign_of_dehydration_is_seen_today(text: str) -> None:
    assert _level(text) == "urgent"
    assert "dehydration_today" in _rules(text)


# --- 6. Skin read at its site ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сегодня утром прививка, к вечеру место укола на бедре покраснело и горячее, "
        "температура 37,6, ножку бережёт.",
        "После вчерашней вакцинации у сына место инъекции горячее, красное, температура 37,5.",
        "Позавчера ревакцинация АДСМ, на ноге в месте укола уплотнение и покраснение, "
        "температура 37,9.",
        "вчера привили пентаксимом, место укола красное и горячее, темп 37,7",
    ],
)
def test_a_vaccine_site_reaction_is_no_cellulitis(text: str) -> None:
    assert "cellulitis_suspected" not in _rules(text)
    assert RANK[_level(text)] <= RANK["doctor"]


@pytest.mark.parametrize(
    "text",
    [
        "Неделю назад прививка, место укола красное, горячее, гной, температура 38,5.",
        "Вчера прививка, краснота расползается по всей ноге, горячая, температура 38.",
        "Красная горячая голень, температура 38, болит.",
    ],
)
def test_a_spreading_or_late_redness_stays_a_possible_infection(text: str) -> None:
    assert "cellulitis_suspected" in _rules(text)
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "У мужа после инсульта на крестце красное пятно, которое не бледнеет, температура 37,8.",
        "Мама лежачая, на пятке покраснение, не бледнеет при нажатии, температура 38.",
        "Дед почти не встаёт, на копчике покраснело, не бледнеет, температура 37,9, ногу сводит.",
    ],
)
def test_a_non_blanching_spot_over_a_bone_is_a_pressure_sore(text: str) -> None:
    assert "meningitis_signs" not in _rules(text)
    assert _level(text) == "urgent"


@pytest.mark.parametrize(
    "text",
    [
        "Лежачий папа, температура 38,5, на крестце и по всему телу мелкая сыпь, которая "
        "не бледнеет.",
        "Температура 39, на ногах пятна, которые не бледнеют, если прижать стакан.",
        "На крестце пролежень. Температура 38, сыпь на животе не бледнеет.",
        "Мама лежачая, температура 38, на пятке и на животе точки, не бледнеют.",
    ],
)
def test_a_non_blanching_rash_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


# --- 7. Vague findings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Постоянно нервничаю на работе, под коленом дёргается мышца.",
        "Курю часто, кофе пью, икра подёргивается пару дней.",
        "сессия, энергетики пью постоянно, на бедре дергается мышца",
        "Часто переживаю из-за сына, и вот уже третий день дёргается мышца на голени.",
        "На тренировке по футболу во втором тайме свело икры и заднюю поверхность бедра, "
        "растянул — отпустило.",
        "после забега 10 км ночью крутило бедра и икры, утром норм",
        "Сын на соревнованиях по плаванию: свело бедро и икру, вытащили, размяли.",
    ],
)
def test_a_trigger_frequency_or_a_race_is_no_reason_for_a_doctor(text: str) -> None:
    assert _level(text) == "self_care"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Дёргается мышца на ноге постоянно, уже неделю.", "doctor"),
        ("Часто сводит икры по ночам.", "doctor"),
        ("Кофе пью, а мышца на ноге дёргается постоянно, каждый день.", "doctor"),
        ("Сводит икры, теперь и бёдра, уже месяц, без нагрузки.", "doctor"),
        ("После тренировки сводит бёдра и икры, моча тёмная, как кола.", "emergency"),
    ],
)
def test_a_frequent_or_spreading_cramp_keeps_its_level(text: str, level: str) -> None:
    assert _level(text) == level


# --- 8. Rest pain eased by hanging the leg --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Папа курильщик, пальцы на стопе синюшные, ночью болит, спит с опущенной ногой.",
        "пальцы синие болят ночью свешиваю ногу и отпускает",
        "Ночью болит стопа в покое, легче, когда свешиваю ногу с кровати.",
        "Пациент: боли в покое в правой стопе, пальцы цианотичные, облегчение при опускании "
        "ноги — приходится опускать ногу с кровати.",
        "У деда палец на ноге посинел, по ночам болит, свесит ногу — полегче.",
        "Бабушка ночами сидит, ногу свесила, говорит так легче, пальцы бледные и холодные.",
    ],
)
def test_rest_pain_eased_by_hanging_the_leg_is_seen_today(text: str) -> None:
    assert _level(text) == "urgent"
    assert "acute_limb_ischaemia" not in _rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "Нога вдруг стала холодной и синей, сильно болит.",
        "Пальцы синеют, болит, легче, когда свешиваю ногу, а сегодня нога внезапно похолодела "
        "и онемела.",
        "Стопа синяя, болит, свешиваю ногу — не помогает.",
        "Стопа синяя, болит, свешиваю ногу — не помогает, не могу пошевелить пальцами.",
        "Нога бледная, холодная, болит.",
        "Пальцы синие, свешиваю ногу — легче, но боль страшная, сильная, не могу терпеть.",
    ],
)
def test_acute_ischaemia_beside_a_hung_leg_stays_an_emergency(text: str) -> None:
    assert _level(text) == "emergency"


# --- 9. A cramp long after a recovered stroke -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Инсульт перенесла пять лет назад, восстановилась. Иногда ночью сводит икру, "
        "потягиваю носок — проходит.",
        "У папы инсульт был лет семь назад, без последствий. Изредка ночью сводит ступню.",
        "инсульт года 4 назад, всё восстановилось, ходит сам, ночью иногда схватывает икру",
        "ОНМК в 2015 году, полностью восстановился. Жалобы на редкие ночные судороги в икре.",
        "Мама после инсульта десять лет назад ходит сама, больше ничего не беспокоит, "
        "ночью свело ногу.",
    ],
)
def test_a_plain_cramp_long_after_a_recovered_stroke_is_self_care(text: str) -> None:
    assert "post_stroke_movements" not in _rules(text)
    assert _level(text) == "self_care"


@pytest.mark.parametrize(
    "text",
    [
        "Инсульт был два месяца назад, ночью сводит икру.",
        "Инсульт три года назад, нога дёргается по ночам.",
        "Инсульт пять лет назад, икры сводит каждую ночь, спать не могу.",
        "После инсульта нога сводит.",
        "Инсульт был год назад, рука так и не восстановилась, ночью сводит икру.",
        "Рука висит после инсульта уже 3 года, по ночам ногу сводит и пальцы поджимаются.",
    ],
)
def test_a_cramp_after_a_recent_or_residual_stroke_stays_the_doctors(text: str) -> None:
    assert _level(text) == "doctor"
