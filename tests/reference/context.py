"""Frozen copy (for the equivalence test) of the negation as it was before the reading was
sped up. ConText-style modifiers for Russian: negation, its scope and its exceptions.

Negation triggers before a term («нет слабости», «не терял сознание», «без отёка») reach
forward a few words; triggers after it («слабости нет», «судорог не было») reach back over a
list of nouns («отёка и покраснения нет»). Scope ends at «но», «а», «однако» and at sentence
punctuation. Some «не» phrases are symptoms, not negations («не могу поднять руку», «не даёт
спать»): the word after «не» is then a pseudo-trigger and negates nothing; phrases such as
«не проходит» or «не понимает, где находится» are lexicon terms of their own, and a «не»
inside a term's own words never negates that term.
"""

from __future__ import annotations

from spasmnav.language.context import (
    _DENIAL_GAP_POS,
    _MEASURED,
    _NORMAL_TEMPERATURE,
    ALMOST,
    AUX,
    MEDICINE_DENIALS,
    NEAR_ONLY_LEMMAS,
    NEAR_ONLY_REACH,
    NORMAL_POS,
    OBJECT_DENIALS,
    POST_LEMMAS,
    PRE_LEMMAS,
    PREDICATE_FILLERS,
    PSEUDO_AFTER_NI,
)
from spasmnav.language.morph import LISTY_POS, NOMINAL_POS, VERB_POS, Token

from .lexicon import Match

__all__ = ["is_negated"]

PRE_TRIGGERS = frozenset({"не", "нет", "без", "ни", "нету", "отсутствие"})
LIST_TRIGGERS = frozenset({"нет", "нету", "ни"})
POST_TRIGGERS = frozenset({"нет", "нету", "отсутствовать", "отсутствует", "отсутствуют"})
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
# The word tables (what counts as a trigger) are the live module's, one list for both readers;
# what this copy freezes is how the scope is walked.
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
PRE_REACH = 5
POST_REACH = 6
DENIAL_REACH = 12


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
    """Does «не» before the verb at ``verb`` deny the term, the verb's object?"""
    if any(tokens[p].pos in VERB_POS for p in match.positions):
        return False
    if verb >= 2 and tokens[verb - 2].text in ALMOST:
        return False
    lemmas = tokens[verb].lemmas
    if medicine and lemmas & MEDICINE_DENIALS:
        return True
    objects = {lem for p in match.positions for lem in tokens[p].lemmas}
    return any(OBJECT_DENIALS.get(lem, frozenset()) & objects for lem in lemmas)


def _forward_reaches(
    tokens: list[Token], t: int, target: int, match: Match, medicine: bool
) -> bool:
    """Does a trigger at t negate the word at target (t < target)?"""
    if target - t > PRE_REACH:
        return False
    if tokens[t].text == "не" and t + 1 < target and _denies(tokens, t + 1, match, medicine):
        gap = tokens[t + 2 : target]
        if all(k.pos in _DENIAL_GAP_POS and not _is_terminator(k) for k in gap):
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


# «Такой боли никогда не было»: a comparison with the past says the term is unlike what was
# before; the negation is about the past.
COMPARISON = frozenset({"такой", "подобный", "похожий"})
EVER = frozenset({"никогда", "раньше", "прежде", "ранее", "жизнь"})


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
            # a denied list: its items are objects; a finite verb or a subject-only adjective
            # starts a statement of its own
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
    """A finite verb or a subject-only adjective: a statement, not a denied list's item."""
    return tok.pos in {"VERB", "ADJF"} and not tok.object_case


def _nominal(tokens: list[Token], match: Match) -> bool:
    """Post-position negation («…нет», «…не было») negates a thing named, not an action:
    «сводит ногу, слабости нет» keeps the cramp."""
    return any(tokens[p].pos in NOMINAL_POS or tokens[p].pos is None for p in match.positions)


def _intact_is_another(tokens: list[Token], t: int, own: set[int], listed: frozenset[int]) -> bool:
    """«Сохранено» right after a noun of its own that is no finding, set off from the sign by a
    comma, says that function is intact («сознание сохранено»), not that the sign is absent."""
    if tokens[t].lemmas.isdisjoint({"сохранить", "сохранный"}) or t == 0:
        return False
    k = t - 1
    if k in own or k in listed or tokens[k].pos != "NOUN":
        return False
    return any(tokens[j].punct for j in range(max(own) + 1, k))


def _post_trigger(tokens: list[Token], t: int, match: Match, medicine: bool) -> bool:
    tok = tokens[t]
    if tok.text == "не" and t + 1 < len(tokens) and _denies(tokens, t + 1, match, medicine):
        return True
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
    medicine: bool = False,
) -> bool:
    """``listed``: token positions inside matches of symptoms and signs (list items)."""
    own = set(match.positions)
    first, last = match.first, match.last
    # A trigger before the term, or between its words.
    lo = max(0, first - PRE_REACH)
    for t in range(lo, last):
        tok = tokens[t]
        if t in own or _pseudo(tokens, t):
            continue
        if tok.text not in PRE_TRIGGERS and tok.lemmas.isdisjoint(PRE_LEMMAS):
            continue
        if t > first:
            # inside the span: «ходить не мешает»
            if not any(_is_terminator(tokens[k]) for k in range(first, last)):
                return True
            continue
        if _forward_reaches(tokens, t, first, match, medicine):
            return True
    # A trigger after the term.
    if not _nominal(tokens, match):
        return False
    subject = any(_states(tokens[p]) for p in match.positions) or (
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
        span = tokens[first : t + 2]
        compares = any(k.lemmas & COMPARISON for k in span) and any(k.lemmas & EVER for k in span)
        if _intact_is_another(tokens, t, own, listed):
            continue  # «подёргивания стопы и кисти, сознание сохранено»: consciousness is kept
        if not compares and _backward_reaches(tokens, t, last, listed):
            return True
    return False
