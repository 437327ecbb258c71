"""ConText-style modifiers for Russian: negation, its scope and its exceptions.

Negation triggers before a term («нет слабости», «не терял сознание», «без отёка») reach
forward a few words; triggers after it («слабости нет», «судорог не было») reach back over a
list of nouns («отёка и покраснения нет»). Scope ends at «но», «а», «однако» and at sentence
punctuation. Some «не» phrases are symptoms, not negations («не могу поднять руку», «не даёт
спать»): the word after «не» is then a pseudo-trigger and negates nothing; phrases such as
«не проходит» or «не понимает, где находится» are lexicon terms of their own, and a «не»
inside a term's own words never negates that term.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .lexicon import Match
from .morph import LISTY_POS, NOMINAL_POS, VERB_POS, Token

__all__ = ["is_negated", "may_negate", "negates"]

PRE_TRIGGERS = frozenset({"не", "нет", "без", "ни", "нету", "отсутствие"})
LIST_TRIGGERS = frozenset({"нет", "нету", "ни"})
POST_TRIGGERS = frozenset({"нет", "нету", "отсутствовать", "отсутствует", "отсутствуют"})
# Lemmas that say a function is intact, after the function («чувствительность в промежности
# сохранена», «функции тазовых органов не нарушены» is «не» + this): they negate a deficit named
# just before them, as a chart writes a normal finding.
POST_LEMMAS = frozenset(
    {"отсутствовать", "сохранить", "сохранный", "отрицать", "нормальный", "норма"}
)
# Of them, the ones that say a function of its own is intact («сознание сохранено»).
INTACT_LEMMAS = frozenset({"сохранить", "сохранный"})
# «нормальная», «в норме» say so only of the word they stand by («температура нормальная»),
# not of a list before it («первый раз такое, давление в норме» keeps «первый раз»).
NEAR_ONLY_LEMMAS = frozenset({"нормальный", "норма"})
NORMAL_POS = frozenset({"ADJF", "ADJS", "NOUN"})
NEAR_ONLY_REACH = 2
# A normal body temperature written after the word («температура 36,6», «t 36.8»).
_NORMAL_TEMPERATURE = re.compile(r"3[56][.,][0-9]")
# «не» followed by these does not negate what comes after: «не могу ходить» is a symptom.
PSEUDO_AFTER_NE = frozenset(
    {
        "мочь",
        "получаться",
        "удаваться",
        "давать",
        "дать",
        "только",
        "раз",
        "так",
        "очень",
        "слишком",
        "всегда",
        "сразу",
        "совсем",
    }
)
PSEUDO_AFTER_NI = frozenset({"с", "слово", "звук"})
# Verbs that carry a negation on to what follows («не было судорог», «не стало лучше»).
AUX = frozenset(
    {
        "быть",
        "стать",
        "бывать",
        "наблюдаться",
        "отмечаться",
        "появляться",
        "появиться",
        "беспокоить",
        # how a chart records an absent sign: «отёка не отмечает», «не выявлено», «не
        # определяется», «белыми они не становились»
        "отмечать",
        "отметить",
        "выявляться",
        "выявить",
        "определяться",
        "обнаруживаться",
        "обнаружить",
        "становиться",
        "замечать",
        "заметить",
        # a chart's record of what the patient does not say: «суицидальных мыслей не
        # высказывает», «жалоб на одышку не предъявляет»
        "высказывать",
        "высказать",
        "предъявлять",
        "предъявить",
        "озвучивать",
    }
)
# Verbs whose «не» denies the object they govern, on either side of them: «в обморок не
# падала», «не падала в обморок», «сознания не теряла». Each verb denies only its own objects
# (the lemmas of the term), so «ноги подкосились, не упала» keeps the legs giving way.
OBJECT_DENIALS: dict[str, frozenset[str]] = {
    verb: objects
    for verbs, objects in (
        (("терять", "потерять", "лишаться", "лишиться"), frozenset({"сознание"})),
        (
            ("падать", "упасть", "грохаться", "грохнуться", "валиться", "свалиться"),
            frozenset({"обморок"}),
        ),
    )
    for verb in verbs
}
# Verbs whose «не» denies a medicine named beside them: «тизанидин не пью», «не принимаю
# баклофен». Only a medicine's match (``is_negated``'s ``medicine``) reads them.
MEDICINE_DENIALS = frozenset(
    {
        "пить",
        "выпить",
        "попить",
        "принимать",
        "принять",
        "употреблять",
        "колоть",
        "уколоть",
        "получать",
        "назначать",
        "назначить",
        "пропивать",
        "капать",
    }
)
# What may stand between a denied verb and its object after it: «не падала в обморок», «не пью
# больше тизанидин».
_DENIAL_GAP_POS = frozenset({"PREP", "PRCL", "ADVB", "COMP"})
# «Чуть не упала в обморок»: almost, so it happened nearly, which is no denial.
ALMOST = frozenset({"чуть", "едва", "почти", "чудом"})
TERMINATORS = frozenset(
    {
        "но",
        "а",
        "однако",
        "хотя",
        "зато",
        "только",
        "просто",
        "кроме",
        "лишь",
        "потом",
        "затем",
        "теперь",
        "сейчас",
        "сегодня",
    }
)
# «Болит голова, такой боли никогда не было»: a comparison with the past between a term and a
# post-position negation says the term is unlike anything before, so the negation is about the
# past, not the term («в покое такого нет» still negates).
COMPARISON = frozenset({"такой", "подобный", "похожий"})
EVER = frozenset({"никогда", "раньше", "прежде", "ранее", "жизнь"})
PRE_REACH = 5
POST_REACH = 6
# A chart's denial closing a list reaches further back: «Одышку, боль в груди, кровохарканье
# отрицает» denies all three.
DENIAL_REACH = 12
# A measured value with a decimal part («38,7»): a term it stands after is stated.
_MEASURED = re.compile(r"[0-9]+[.,][0-9]+")
# What may stand between an «и» and the negation of the predicate it opens («и даже не…»).
PREDICATE_FILLERS = frozenset({"PRCL", "ADVB", "NPRO"})
# Every word that can negate anything (see ``is_negated``: pre- and post-position triggers; «не»
# before an auxiliary is among them), by its text; and by its lemma.
_TRIGGER_TEXTS = PRE_TRIGGERS | POST_TRIGGERS
# «Отрицает травмы, лихорадку»: the chart's word for a denied symptom, before a list.
PRE_LEMMAS = frozenset({"отрицать"})


def may_negate(tokens: list[Token]) -> bool:
    """Does a word stand in the text that can negate a term? Without one, ``is_negated`` is
    False for every match."""
    return any(negates(t) for t in tokens)


def negates(tok: Token) -> bool:
    """Can this token negate a term (``may_negate`` of a text is: one of its tokens can)?"""
    return (
        tok.text in _TRIGGER_TEXTS
        or not tok.lemmas.isdisjoint(POST_LEMMAS)
        or _NORMAL_TEMPERATURE.fullmatch(tok.text) is not None
    )


def _is_terminator(tok: Token) -> bool:
    return tok.text in TERMINATORS or tok.breaks_clause


def _is_verb(tok: Token) -> bool:
    return tok.pos in VERB_POS and tok.lemmas.isdisjoint(AUX)


def _pseudo(tokens: list[Token], t: int) -> bool:
    if t + 1 >= len(tokens):
        return False
    if tokens[t].text == "ни":
        # «ни с того ни с сего» (out of the blue), «не может сказать ни слова» (a symptom)
        return not tokens[t + 1].lemmas.isdisjoint(PSEUDO_AFTER_NI)
    if tokens[t].text != "не":
        return False
    return not tokens[t + 1].lemmas.isdisjoint(PSEUDO_AFTER_NE)


def _denies(tokens: list[Token], verb: int, match: Match, medicine: bool) -> bool:
    """Is the token at ``verb`` a verb whose negation denies the matched term, its object
    (``OBJECT_DENIALS``, or a medicine's ``MEDICINE_DENIALS``)? The term names a thing: no word
    of it is a verb («ноги подкосились, не упала» keeps the legs)."""
    lemmas = tokens[verb].lemmas
    if any(tokens[p].pos in VERB_POS for p in match.positions):
        return False
    if verb >= 2 and tokens[verb - 2].text in ALMOST:
        return False
    if medicine and not lemmas.isdisjoint(MEDICINE_DENIALS):
        return True
    objects = {lem for p in match.positions for lem in tokens[p].lemmas}
    return any(not OBJECT_DENIALS.get(lem, frozenset()).isdisjoint(objects) for lem in lemmas)


def _forward_reaches(
    tokens: list[Token], t: int, target: int, match: Match | None = None, medicine: bool = False
) -> bool:
    """Does a trigger at t negate the word at target (t < target)? ``match``: the term
    starting at target, whose object verb «не» may deny («не падала в обморок»)."""
    if target - t > PRE_REACH:
        return False
    if (
        match is not None
        and tokens[t].text == "не"
        and t + 1 < target
        and _denies(tokens, t + 1, match, medicine)
        and all(
            tokens[k].pos in _DENIAL_GAP_POS and not _is_terminator(tokens[k])
            for k in range(t + 2, target)
        )
    ):
        return True
    # «отёка нет, голень болезненна»: a «нет» closing its phrase negates what came before it.
    if tokens[t].text in POST_TRIGGERS and t + 1 < len(tokens) and tokens[t + 1].text == ",":
        return False
    # So does one closing its phrase before «и»: «слабости нет и говорю с трудом» keeps the
    # speech («нет и не было» negates nothing after it either).
    if (
        tokens[t].text in POST_TRIGGERS
        and t > 0
        and not tokens[t - 1].punct
        and t + 1 < len(tokens)
        and tokens[t + 1].text == "и"
    ):
        return False
    # Only «нет»/«ни» govern a list across commas («нет слабости, онемения»); «без» and «не»
    # govern what follows them directly («без остановки, судороги…» negates no seizure).
    crosses_commas = tokens[t].text in LIST_TRIGGERS or not tokens[t].lemmas.isdisjoint(PRE_LEMMAS)
    for k in range(t + 1, target):
        tok = tokens[k]
        if _is_terminator(tok):
            return False
        if tok.text == "," and not crosses_commas:
            return False
        if tok.text == ",":
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt is None or nxt.pos not in LISTY_POS:
                return False
            if tokens[t].text in LIST_TRIGGERS and not nxt.genitive:
                # «нет» governs the genitive: «нет температуры, отёка» is one list, but in «нет
                # температуры, лицо перекосило» the face is a new clause, said as current.
                return False
        elif tok.text == "и" and tokens[t].text in LIST_TRIGGERS:
            # The same across «и»: «нет температуры и озноба» is one list, «нет температуры и
            # лицо перекосило» a new clause.
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt is None or not nxt.genitive:
                return False
        elif k == t + 1 and _is_verb(tok):
            # «не знаю, почему сводит»: «не» negates the verb right after it, nothing more.
            return False
        elif k > t + 1 and _is_verb(tok):
            return False
    return True


def _opens_predicate(tokens: list[Token], source: int, t: int) -> bool:
    """Is there an «и» after the term (ending at ``source``) with only particles, adverbs and
    pronouns between it and the trigger at ``t`` («и не заметила», «и даже сама не…»)?"""
    k = t - 1
    while k > source and (
        tokens[k].pos in PREDICATE_FILLERS or not tokens[k].lemmas.isdisjoint({"сам"})
    ):
        k -= 1
    return k > source and tokens[k].text == "и"


def _backward_reaches(
    tokens: list[Token], t: int, source: int, listed: frozenset[int] = frozenset()
) -> bool:
    """Does a trigger at t (after the term) negate the term ending at source?

    Across a comma only when the word before it is itself a listed symptom («слабости, боли и
    онемения нет»), not any genitive («икру левой ноги, слабости нет» keeps the leg). Never
    back over an «и» that opens the negated predicate itself («не удержала кал и не заметила»,
    «и даже не почувствовала»: the stool was lost), while nouns joined by «и» share the
    negation after them («отёка и покраснения не было»)."""
    if _opens_predicate(tokens, source, t):
        return False
    # «Тёмную мочу, отёки, повышение t отрицает»: a chart's denial closes a list of nouns.
    denial = not tokens[t].lemmas.isdisjoint(PRE_LEMMAS)
    if t - source > (DENIAL_REACH if denial else POST_REACH):
        return False
    for k in range(source + 1, t):
        tok = tokens[k]
        if _is_terminator(tok):
            return False
        if _MEASURED.fullmatch(tok.text):
            return False  # «температура 38,7 и озноба нет»: a value measured is no denial
        if denial:
            # A denied list: its items are objects, whatever part of speech pymorphy3 guesses;
            # a finite verb or an adjective that can only be a subject starts a statement of
            # its own («внезапная слабость в ноге, одышку отрицает» keeps the weakness).
            if _states(tok):
                return False
            continue
        if tok.text == ",":
            prev = tokens[k - 1]
            if prev.pos not in LISTY_POS or not (prev.genitive or prev.pos in {"ADJF", "ADJS"}):
                return False
            if k - 1 not in listed:
                return False
        elif _is_verb(tok):
            return False
    return True


def _states(tok: Token) -> bool:
    """Does the word make its phrase a statement rather than an item of a denied list: a
    finite verb or an adjective that can only be a subject («ослабла», «внезапная»), not a word
    that may be an object too («мочу», «внезапную»)?"""
    return tok.pos in {"VERB", "ADJF"} and not tok.object_case


def _compares_with_the_past(tokens: list[Token], lo: int, hi: int) -> bool:
    """Do the words in [lo, hi) hold «такой» (or the like) and «никогда», «раньше»...: «такой
    боли никогда не было», «раньше такого не было»?"""
    span = range(lo, hi)
    return any(not tokens[j].lemmas.isdisjoint(COMPARISON) for j in span) and any(
        not tokens[j].lemmas.isdisjoint(EVER) for j in span
    )


def _nominal(tokens: list[Token], match: Match) -> bool:
    """Post-position negation («…нет», «…не было») negates a thing named, not an action:
    «сводит ногу, слабости нет» keeps the cramp."""
    return any(tokens[p].pos in NOMINAL_POS or tokens[p].pos is None for p in match.positions)


def _intact_is_another(tokens: list[Token], t: int, own: set[int], listed: frozenset[int]) -> bool:
    """«Сохранено» right after a noun of its own that is no finding says that function is intact
    («сознание сохранено», «чувствительность сохранена»), not that the sign before it is absent."""
    if tokens[t].lemmas.isdisjoint(INTACT_LEMMAS) or t == 0:
        return False
    k = t - 1
    if k in own or k in listed or tokens[k].pos != "NOUN":
        return False
    # Set off from the sign by a comma: «кисти, сознание сохранено»; «чувствительность в
    # аногенитальной зоне сохранена» still negates its own «аногенитальной».
    return any(tokens[j].punct for j in range(max(own) + 1, k))


def _post_trigger(
    tokens: list[Token], t: int, match: Match | None = None, medicine: bool = False
) -> bool:
    tok = tokens[t]
    if (
        match is not None
        and tok.text == "не"
        and t + 1 < len(tokens)
        and _denies(tokens, t + 1, match, medicine)
    ):
        return True  # «в обморок не падала», «тизанидин не пью»
    if tok.text in POST_TRIGGERS or not tok.lemmas.isdisjoint(POST_LEMMAS):
        return True
    if _NORMAL_TEMPERATURE.fullmatch(tok.text):
        return True
    # «не было», «не бывает», «не беспокоит», «не наблюдается»
    return tok.text == "не" and t + 1 < len(tokens) and not tokens[t + 1].lemmas.isdisjoint(AUX)


def is_negated(
    tokens: list[Token],
    match: Match,
    listed: frozenset[int] = frozenset(),
    negs: list[int] | None = None,
    medicine: bool = False,
) -> bool:
    """``listed``: token positions inside matches of symptoms and signs (list items); ``negs``,
    if given: the sorted positions of the tokens that can negate (``negates``), the only places
    a trigger can stand; ``medicine``: the match names a medicine, which «не пью», «не
    принимаю» deny."""
    positions = match.positions
    own = set(positions)
    first, last = positions[0], positions[-1]
    # A trigger before the term, or between its words.
    lo = max(0, first - PRE_REACH)
    if negs is None:
        before: range | list[int] = range(lo, last)
    else:
        j = bisect_left(negs, lo)
        before = negs[j : bisect_left(negs, last, j)]
    for t in before:
        tok = tokens[t]
        if tok.text not in PRE_TRIGGERS and tok.lemmas.isdisjoint(PRE_LEMMAS):
            continue
        if t in own or _pseudo(tokens, t):
            continue
        if t > first:
            # inside the span: «ходить не мешает»
            if not any(_is_terminator(tokens[k]) for k in range(first, last)):
                return True
            continue
        if _forward_reaches(tokens, t, first, match, medicine):
            return True
    # A trigger after the term.
    if negs is not None:
        k = bisect_right(negs, last)
        if k == len(negs) or negs[k] > last + DENIAL_REACH:
            return False  # no word after the term within reach can negate
    if not _nominal(tokens, match):
        return False
    # The term's own words and the one before it: «внезапная слабость…, одышку отрицает»,
    # «резко ослабла нога, …отрицает» are statements, not denied items.
    subject = any(_states(tokens[p]) for p in positions) or (
        first > 0 and tokens[first - 1].pos == "ADJF" and _states(tokens[first - 1])
    )
    for t in range(last + 1, min(len(tokens), last + DENIAL_REACH + 1)):
        if t in own:
            continue
        if _is_terminator(tokens[t]):
            break
        if not _post_trigger(tokens, t, match, medicine):
            continue
        if not tokens[t].lemmas.isdisjoint(PRE_LEMMAS):
            if subject:
                continue
        elif t - last > POST_REACH:
            continue
        if t - last > NEAR_ONLY_REACH and not tokens[t].lemmas.isdisjoint(NEAR_ONLY_LEMMAS):
            continue
        if not tokens[t].lemmas.isdisjoint(NEAR_ONLY_LEMMAS) and tokens[t].pos not in NORMAL_POS:
            continue  # «рот не открывается нормально»: the adverb qualifies, it does not deny
        if _compares_with_the_past(tokens, first, min(len(tokens), t + 2)):
            continue  # «такой боли никогда не было»
        if _intact_is_another(tokens, t, own, listed):
            continue  # «подёргивания стопы и кисти, сознание сохранено»: consciousness is kept
        if _backward_reaches(tokens, t, last, listed):
            return True
    return False
