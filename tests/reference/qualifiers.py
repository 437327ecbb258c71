"""ConText qualifiers beyond negation: historical, hypothetical and another person's findings.

The rules are pack data (``pack/context.yaml``), after medspaCy's ConText and edsnlp's
qualifiers: a trigger marks the findings within its reach (forward, backward or both), inside
its clause or sentence, never past a terminator. A clause that states the present («сейчас»,
«вдруг», «сегодня») is never historical: undated means current, and only an explicit cue makes
a sign old. The person a finding belongs to is the nearest person named in its clause; the
patient is the person of the first involuntary movement (or the first person named, or the
writer), and findings of anybody else are ``other``.
"""

from __future__ import annotations

from dataclasses import dataclass

from spasmnav.content import ContextRules
from spasmnav.language.morph import Token

from .lexicon import Match, TokenIndex, Word, _word

__all__ = ["CLAUSE_WORDS", "Qualifiers", "clauses"]

# Words that begin a new clause, as punctuation does («сводит ногу, а лицо…»).
CLAUSE_WORDS = frozenset({"а", "но", "однако", "зато", "хотя"})
LEAD_WORDS = frozenset({"а", "и", "но", "ну", "вот", "так", "да", "ведь", "однако", "или"})
OPENING_MARKS = frozenset({":", "—", "–", "-", "(", "«", '"'})
SELF_WORDS = frozenset({"я", "меня", "мне", "мной"})


def _tword(raw: str) -> Word:
    return _word(raw)


def _phrase(raw: str) -> tuple[Word, ...]:
    return tuple(_tword(w) for w in raw.lstrip("^").split())


# Verbs whose «мне» / «на меня» is the one answered (spasmnav.language.qualifiers).
_RECIPIENTS = tuple(
    _tword(v)
    for v in ("отвечать", "ответить", "откликаться", "откликнуться", "отозваться", "реагировать",
              "среагировать", "отреагировать", "смотреть", "глядеть")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Rule:
    category: str
    forward: bool
    backward: bool
    reach: int
    sentence: bool
    question: bool
    only: frozenset[str]
    triggers: tuple[tuple[Word, ...], ...]
    sources: tuple[str, ...]
    conditional: bool = False
    through: frozenset[str] = frozenset()
    pseudo: tuple[tuple[Word, ...], ...] = ()
    anaphor: bool = False
    own: bool = False


def _occurrences(index: TokenIndex, phrase: tuple[Word, ...]) -> list[tuple[int, int]]:
    return [(seq[0], seq[-1]) for seq in index.phrase(phrase)]


def _fronted(tokens: list[Token], clause_of: list[int], sentence_of: list[int], a: int) -> bool:
    """Does the conditional at ``a`` start its sentence or a clause of its own, not follow a
    comma («если будет инсульт, лицо…», «а если…» vs «сводит, особенно если…»)?"""
    start = min(k for k in range(a + 1) if clause_of[k] == clause_of[a])
    if start == 0 or sentence_of[start - 1] != sentence_of[a]:
        before = range(start, a)
    elif tokens[start].text in OPENING_MARKS or tokens[start].text in CLAUSE_WORDS:
        before = range(start + 1, a)
    else:
        return False
    return all(tokens[k].text in LEAD_WORDS for k in before)


def clauses(tokens: list[Token], sentence_of: list[int]) -> list[int]:
    """Clause number of every token: sentence ends, dashes, colons, brackets, commas and the
    words «а», «но», «однако» start a new clause."""
    out = []
    c = 0
    prev_sentence = 0
    for i, tok in enumerate(tokens):
        if sentence_of[i] != prev_sentence:
            c += 1
            prev_sentence = sentence_of[i]
        if (tok.punct and (tok.breaks_clause or tok.text == ",")) or tok.text in CLAUSE_WORDS:
            c += 1
        out.append(c)
    return out


class Qualifiers:
    """The pack's qualifier rules, compiled once."""

    def __init__(self, rules: ContextRules | None) -> None:
        self._rules: list[_Rule] = []
        self._terminators: tuple[tuple[Word, ...], ...] = ()
        self._persons: tuple[Word, ...] = ()
        self._strangers: tuple[Word, ...] = ()
        self._reporting: tuple[Word, ...] = ()
        self._events: frozenset[str] = frozenset()
        self._pseudo: tuple[tuple[tuple[Word, ...], frozenset[str]], ...] = ()
        if rules is None:
            return
        self._pseudo = tuple((_phrase(ps.phrase), frozenset(ps.findings)) for ps in rules.pseudo)
        self._events = frozenset(rules.events)
        self._terminators = tuple(_phrase(t) for t in rules.terminators)
        self._strangers = tuple(_tword(p) for p in rules.strangers)
        self._persons = self._strangers + tuple(_tword(p) for p in rules.persons)
        self._reporting = tuple(_tword(v) for v in rules.reporting_verbs)
        for r in rules.rules:
            self._rules.append(
                _Rule(
                    category=r.category,
                    forward=r.direction in ("forward", "both"),
                    backward=r.direction in ("backward", "both"),
                    reach=r.reach,
                    sentence=r.scope == "sentence",
                    question=r.question,
                    only=frozenset(r.only),
                    triggers=tuple(_phrase(t) for t in r.triggers),
                    sources=tuple(r.triggers),
                    conditional=r.scope == "conditional",
                    through=frozenset(r.through),
                    pseudo=tuple(_phrase(t) for t in r.pseudo),
                    anaphor=r.anaphor,
                    own=r.own,
                )
            )

    def drop_pseudo(self, index: TokenIndex, matches: list[Match]) -> list[Match]:
        """The matches less those a pseudo phrase cancels."""
        out = []
        for m in matches:
            cancelled = False
            for phrase, findings in self._pseudo:
                if m.finding not in findings:
                    continue
                tokens = index.tokens
                for a in range(len(tokens) - len(phrase) + 1):
                    if (
                        all(w.matches(tokens[a + k]) for k, w in enumerate(phrase))
                        and m.first <= a + len(phrase) - 1
                        and m.last >= a
                    ):
                        cancelled = True
            if not cancelled:
                out.append(m)
        return out

    def qualify(
        self,
        tokens: list[Token],
        matches: list[Match],
        sentence_of: list[int],
        movement: frozenset[str],
        anchors: frozenset[str] = frozenset(),
        index: TokenIndex | None = None,
    ) -> list[tuple[frozenset[str], tuple[str, ...]]]:
        """Qualifiers and the cue words that set them, for each match (same order)."""
        if not matches:
            return []
        clause_of = clauses(tokens, sentence_of)
        tindex = index if index is not None else TokenIndex(tokens)
        stops: set[int] = set()
        for phrase in self._terminators:
            for a, b in _occurrences(tindex, phrase):
                stops.update(range(a, b + 1))
        current_clauses: dict[int, set[str]] = {}
        for i in stops:
            current_clauses.setdefault(clause_of[i], set()).add(tokens[i].text)
        questions = {sentence_of[i] for i, t in enumerate(tokens) if t.punct and "?" in t.text}
        cues: list[
            tuple[
                str,
                int,
                int,
                str,
                bool,
                bool,
                int,
                bool,
                frozenset[str],
                tuple[int, frozenset[str]] | None,
                _Rule,
            ]
        ] = []
        for rule in self._rules:
            pseudo_starts = {seq[0] for p in rule.pseudo for seq in tindex.phrase(p)}
            for phrase in rule.triggers:
                for a, b in _occurrences(tindex, phrase):
                    if rule.question and sentence_of[a] not in questions:
                        continue
                    if a in pseudo_starts:
                        continue
                    text = " ".join(tokens[k].text for k in range(a, b + 1))
                    cond = None
                    if rule.conditional:
                        span = 0
                        if _fronted(tokens, clause_of, sentence_of, a):
                            span = 2 if sentence_of[a] in questions else 1
                        cond = (span, rule.through)
                    cues.append(
                        (
                            rule.category,
                            a,
                            b,
                            text,
                            rule.forward,
                            rule.backward,
                            rule.reach,
                            rule.sentence,
                            rule.only,
                            cond,
                            rule,
                        )
                    )
        # An anaphor counts only after a historical cue of another rule before it, in its
        # sentence or the one before.
        cues = [
            c
            for c in cues
            if not c[10].anaphor
            or any(
                d[0] == "historical"
                and not d[10].anaphor
                and d[1] < c[1]
                and 0 <= sentence_of[c[1]] - sentence_of[d[1]] <= 1
                for d in cues
            )
        ]

        def conditional(
            a: int, b: int, m: Match, reach: int, span: int, through: frozenset[str]
        ) -> bool:
            if m.first <= b or m.first - b > reach or sentence_of[m.first] != sentence_of[a]:
                return False
            own = clause_of[a]
            for k in range(b + 1, m.first):
                if k in stops and not (clause_of[k] == own and tokens[k].text in through):
                    return False
            behind = clause_of[m.first] - own
            return behind == 0 or (span == 1 and behind == 1) or span == 2

        def reaches(
            a: int,
            b: int,
            m: Match,
            fwd: bool,
            bwd: bool,
            reach: int,
            sent: bool,
            through: frozenset[str],
            carry: bool,
        ) -> bool:
            scope = sentence_of if sent else clause_of
            if fwd and m.first > b:
                lo, hi = b, m.first
                between = range(clause_of[b], clause_of[m.first])
            elif bwd and m.last < a:
                lo, hi = m.last, a
                between = range(clause_of[m.last] + 1, clause_of[a] + 1)
            else:
                return False
            if hi - lo > reach:
                return False
            if scope[lo] != scope[hi]:
                # A bare date set off by commas dates the nearest clause that says something.
                held = {clause_of[p] for mm in matches for p in mm.positions}
                if not carry or sentence_of[lo] != sentence_of[hi]:
                    return False
                # bare: the date and at most one word more in its clause («это давно»)
                others = [
                    k
                    for k, t in enumerate(tokens)
                    if clause_of[k] == clause_of[a] and not t.punct and not a <= k <= b
                ]
                if len(others) > 1:
                    return False
                if any(c in held for c in between):
                    return False
            return not any(k in stops and tokens[k].text not in through for k in range(lo + 1, hi))

        owners = self._owners(tokens, matches, clause_of, sentence_of, movement, anchors)
        event_clauses = {clause_of[m.first] for m in matches if m.finding in self._events}
        out: list[tuple[frozenset[str], tuple[str, ...]]] = []
        for idx, m in enumerate(matches):
            quals: set[str] = set()
            words: list[str] = []
            own = set(m.positions)
            for cat, a, b, text, fwd, bwd, reach, sent, only, cond, rule in cues:
                inside = bool(own & set(range(a, b + 1)))
                if (inside and not rule.own) or (only and m.finding not in only):
                    continue
                present = current_clauses.get(clause_of[m.first], set())
                if cat == "historical" and present and not present <= rule.through:
                    continue  # «сегодня вдруг…»: the present wins
                if cat == "historical" and not only and m.finding in self._events:
                    continue  # a dated event is dated old only by its own rules
                if (
                    cat == "historical"
                    and clause_of[a] in event_clauses
                    and clause_of[m.first] != clause_of[a]
                ):
                    continue  # a date in an event's clause is the event's
                hit = inside or (
                    conditional(a, b, m, reach, cond[0], cond[1])
                    if cond is not None
                    else reaches(
                        a,
                        b,
                        m,
                        fwd,
                        bwd,
                        reach,
                        sent,
                        rule.through,
                        cat == "historical" and not sent,
                    )
                )
                if hit:
                    quals.add(cat)
                    words.append(text)
            owner = owners[idx]
            if owner is not None:
                quals.add("other")
                words.append(owner)
            out.append((frozenset(quals), tuple(dict.fromkeys(words))))
        return out

    def _reports(self, tokens: list[Token], i: int) -> bool:
        """«Сестра говорит, …», «муж заметил …»: the person reports what someone else has."""
        return any(
            w.matches(tokens[k])
            for k in range(i + 1, min(i + 3, len(tokens)))
            for w in self._reporting
        )

    def _stranger(self, name: str) -> bool:
        return any(name in w.lemmas for w in self._strangers)

    def _answers_me(self, tokens: list[Token], i: int) -> bool:
        """«Он мне не отвечает», «на меня не реагирует»: the writer is the one not answered."""
        if tokens[i].text == "меня" and (i == 0 or tokens[i - 1].text != "на"):
            return False
        return any(
            w.matches(tokens[k]) for k in range(i + 1, min(i + 4, len(tokens))) for w in _RECIPIENTS
        )

    def _person_at(self, tokens: list[Token], i: int) -> str | None:
        tok = tokens[i]
        if tok.text in SELF_WORDS:
            if tok.text in ("мне", "меня") and self._answers_me(tokens, i):
                return None
            return "я"
        for w in self._persons:
            if w.matches(tok):
                return next(iter(sorted(w.lemmas))) if w.lemmas else tok.text
        return None

    def _owners(
        self,
        tokens: list[Token],
        matches: list[Match],
        clause_of: list[int],
        sentence_of: list[int],
        movement: frozenset[str],
        anchors: frozenset[str],
    ) -> list[str | None]:
        """For each match: the name of the other person it belongs to, or None (the patient)."""
        named = [
            (i, p) for i in range(len(tokens)) if (p := self._person_at(tokens, i)) is not None
        ]
        persons = [(i, p) for i, p in named if not self._reports(tokens, i)]
        # «у неё», «у него»: the person named last before it (a reporter too), for ownership only.
        referred = []
        for j in range(1, len(tokens)):
            if tokens[j].text in ("неё", "нее", "него") and tokens[j - 1].text == "у":
                before = [p for i, p in named if i < j and p != "я"]
                if before:
                    referred.append((j, before[-1]))
        if not persons and not referred:
            return [None] * len(matches)
        by_clause: dict[int, list[tuple[int, str]]] = {}
        for i, p in sorted(persons + referred):
            by_clause.setdefault(clause_of[i], []).append((i, p))

        def person_of(pos: int, own: tuple[int, ...] = ()) -> str | None:
            here = by_clause.get(clause_of[pos])
            if here and own:
                # a person word inside the finding's own words is its object, not whose it
                # is: «мама не узнаёт меня», «называет меня чужим именем»
                here = [ip for ip in here if ip[0] not in own]
            if here:
                return min(here, key=lambda ip: abs(ip[0] - pos))[1]
            return None

        first_move = next((m for m in matches if m.finding in movement), None) or next(
            (m for m in matches if m.finding in anchors), None
        )
        patient: str | None = None
        writer_speaks = any(p == "я" for _, p in persons)
        family = [(i, p) for i, p in persons if not self._stranger(p)]
        # Of the relatives named, the first one something is said of leads: a relative only
        # mentioned («внук приехал») is not the person the message is about.
        said_of = {person_of(m.first, m.positions) for m in matches}
        lead = [(i, p) for i, p in family if p in said_of] or family
        # A friend or a neighbour is the patient when the writer goes on about her («у неё»),
        # names nobody else and never speaks of themself («подруга проткнула стопу, щас у неё
        # не открывается рот»); a neighbour only mentioned is not («у соседки был инсульт.
        # Ночью свело икру»).
        strangers = [p for _, p in referred if self._stranger(p)]
        alone = strangers[0] if strangers and not family and not writer_speaks else "я"
        if first_move is not None:
            patient = person_of(first_move.first)
            if patient is None or self._stranger(patient):
                before = [p for i, p in family if i < first_move.first]
                # A carer who never says «я» writes about the person they name
                # («дёргается нога, а сейчас у мамы перекосило лицо»).
                fallback = lead[0][1] if lead and not writer_speaks else alone
                patient = before[0] if before else fallback
        else:
            patient = lead[0][1] if lead else alone
        out: list[str | None] = []
        for m in matches:
            p = person_of(m.first, m.positions)
            out.append(p if p is not None and p != patient else None)
        return out
