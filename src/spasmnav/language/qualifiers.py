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

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..content import ContextRules
from .lexicon import VOCABULARY, Match, TokenIndex, Word, _word
from .morph import Token

__all__ = ["CLAUSE_WORDS", "Qualifiers", "clauses"]

# Words that begin a new clause, as punctuation does («сводит ногу, а лицо…»).
CLAUSE_WORDS = frozenset({"а", "но", "однако", "зато", "хотя"})
# Words that may stand before a fronted «если» in its clause («а если…», «ну и если…»).
LEAD_WORDS = frozenset({"а", "и", "но", "ну", "вот", "так", "да", "ведь", "однако", "или"})
# Marks after which a clause starts afresh, as a sentence does («подруга говорит: если…»).
OPENING_MARKS = frozenset({":", "—", "–", "-", "(", "«", '"'})
SELF_WORDS = frozenset({"я", "меня", "мне", "мной"})
PRONOUNS = frozenset({"неё", "нее", "него"})  # after «у»: the person named before
# A pronoun standing between a finding's words is its object: «мама сегодня перестала меня
# узнавать», «перестал нас понимать».
OBJECT_PRONOUNS = frozenset({"меня", "нас", "тебя", "вас"})
# Verbs whose «мне» / «на меня» is the one answered, not the one who suffers: «он мне не
# отвечает», «на меня не реагирует» (a carer's run-on message: the clause stays the patient's).
RECIPIENT_VERBS = (
    "отвечать", "ответить", "откликаться", "откликнуться", "отозваться", "реагировать",
    "среагировать", "отреагировать", "смотреть", "глядеть",
)  # fmt: skip
_NO_QUALIFIERS: frozenset[str] = frozenset()
_OTHER = frozenset({"other"})


def _tword(raw: str) -> Word:
    return _word(raw)


def _phrase(raw: str) -> tuple[Word, ...]:
    return tuple(_tword(w) for w in raw.lstrip("^").split())


@dataclass(frozen=True, slots=True)
class _Rule:
    category: str
    forward: bool
    backward: bool
    reach: int
    sentence: bool
    question: bool
    only: frozenset[str]
    triggers: tuple[tuple[int, ...], ...]  # each trigger's words, by number
    sources: tuple[str, ...]
    conditional: bool = False
    through: frozenset[str] = frozenset()
    pseudo: tuple[tuple[int, ...], ...] = ()  # phrases starting at a trigger that cancel it
    anaphor: bool = False  # counts only after another historical cue (see ContextRule)
    own: bool = False  # may be a word of the finding's own match (see ContextRule)


def _ids(phrase: tuple[Word, ...]) -> tuple[int, ...]:
    return tuple(VOCABULARY.number(w) for w in phrase)


def _occurrences(index: TokenIndex, ids: tuple[int, ...]) -> list[tuple[int, int]]:
    if not ids or ids[0] not in index.pos:
        return []
    if len(ids) == 1:
        return [(i, i) for i in index.pos[ids[0]]]
    return [(seq[0], seq[-1]) for seq in index.phrase_ids(ids)]


def fronted(tokens: list[Token], clause_of: list[int], sentence_of: list[int], a: int) -> bool:
    """Does the conditional at ``a`` open its sentence or a clause of its own («если будет
    инсульт, лицо…», «а если…», «говорит: если…»), rather than follow what it qualifies after a
    comma («сводит, особенно если встать», «что делать, если…»)?"""
    s = a
    while s > 0 and clause_of[s - 1] == clause_of[a]:
        s -= 1
    if s == 0 or sentence_of[s - 1] != sentence_of[a]:
        lead = s  # the sentence's first clause: only lead words before the trigger
    elif tokens[s].text in OPENING_MARKS or tokens[s].text in CLAUSE_WORDS:
        lead = s + 1
    else:
        return False  # after a comma
    return all(tokens[k].text in LEAD_WORDS for k in range(lead, a))


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
        self._vocabulary = VOCABULARY  # whose numbers the compiled rules hold (see Frames)
        self._rules: list[_Rule] = []
        self._terminators: tuple[tuple[int, ...], ...] = ()
        # The terminators by their first word.
        self._terminators_by_first: dict[int, list[tuple[int, ...]]] = {}
        self._terminator_firsts: frozenset[int] = frozenset()
        self._persons: tuple[Word, ...] = ()
        self._strangers: tuple[Word, ...] = ()
        self._stranger_lemmas: frozenset[str] = frozenset()
        self._person_names: tuple[str | None, ...] = ()
        # Person words by number: the first person word of the list a number stands for.
        self._person_rank: dict[int, int] = {}
        self._person_ids: frozenset[int] = frozenset()
        # «я», «мне»... as exact word forms in the vocabulary, so the index says where they
        # stand; with the person words, every word that can name a person.
        self._self_ids = frozenset(VOCABULARY.number(_tword("=" + w)) for w in sorted(SELF_WORDS))
        self._naming_ids = self._self_ids
        self._reporting_ids: frozenset[int] = frozenset()
        self._recipient_ids: frozenset[int] = frozenset()
        self._reach = 0
        # Dated events (an operation): only historical rules naming them in `only` reach them,
        # and a date in an event's clause stays in that clause.
        self._events: frozenset[str] = frozenset()
        # Triggers by their first word, each as (rule, trigger, its words): a trigger can stand
        # only where all of its words do.
        self._triggers_by_first: dict[int, list[tuple[int, int, frozenset[int]]]] = {}
        self._trigger_firsts: frozenset[int] = frozenset()
        # Pseudo-findings: each phrase's words by number, and the findings it cancels.
        self._pseudo: tuple[tuple[int, tuple[Word, ...], frozenset[str]], ...] = ()
        self._pseudo_firsts: frozenset[int] = frozenset()
        self._pseudo_by_first: dict[
            int,
            tuple[
                tuple[frozenset[str], ...],
                dict[int, tuple[tuple[tuple[int, ...], frozenset[str]], ...]],
                frozenset[int],
            ],
        ] = {}
        if rules is None:
            return
        self._pseudo = tuple(
            (VOCABULARY.number(words[0]), words, frozenset(ps.findings))
            for ps in rules.pseudo
            if (words := _phrase(ps.phrase))
        )
        self._pseudo_firsts = frozenset(first for first, _, _ in self._pseudo)
        # The same by first word, each phrase as its words' numbers (``Word.matches(token)`` is
        # ``number(word) in index.at[i]``, see ``Vocabulary.match``): the findings of the phrases
        # of that one word, and the longer phrases by their second word, with the set of those.
        singles: dict[int, list[frozenset[str]]] = {}
        longer: dict[int, dict[int, list[tuple[tuple[int, ...], frozenset[str]]]]] = {}
        for first, words, findings in self._pseudo:
            ids = tuple(VOCABULARY.number(w) for w in words)
            if len(ids) == 1:
                singles.setdefault(first, []).append(findings)
            else:
                longer.setdefault(first, {}).setdefault(ids[1], []).append((ids, findings))
        self._pseudo_by_first = {
            n: (
                tuple(singles.get(n, ())),
                {m: tuple(v) for m, v in longer.get(n, {}).items()},
                frozenset(longer.get(n, {})),
            )
            for n in self._pseudo_firsts
        }
        self._terminators = tuple(_ids(_phrase(t)) for t in rules.terminators)
        for phrase in self._terminators:
            if phrase:
                self._terminators_by_first.setdefault(phrase[0], []).append(phrase)
        self._terminator_firsts = frozenset(self._terminators_by_first)
        self._strangers = tuple(_tword(p) for p in rules.strangers)
        self._persons = self._strangers + tuple(_tword(p) for p in rules.persons)
        for rank, w in enumerate(self._persons):
            self._person_rank.setdefault(VOCABULARY.number(w), rank)
        # What ``_person_at`` names a person word by (None: the token's own text).
        self._person_names = tuple(min(w.lemmas) if w.lemmas else None for w in self._persons)
        self._stranger_lemmas = frozenset(lem for w in self._strangers for lem in w.lemmas)
        self._person_ids = frozenset(self._person_rank)
        self._naming_ids = self._person_ids | self._self_ids
        self._reporting_ids = frozenset(VOCABULARY.number(_tword(v)) for v in rules.reporting_verbs)
        self._recipient_ids = frozenset(VOCABULARY.number(_tword(v)) for v in RECIPIENT_VERBS)
        self._events = frozenset(rules.events)
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
                    triggers=tuple(_ids(_phrase(t)) for t in r.triggers),
                    sources=tuple(r.triggers),
                    conditional=r.scope == "conditional",
                    through=frozenset(r.through),
                    pseudo=tuple(_ids(_phrase(t)) for t in r.pseudo),
                    anaphor=r.anaphor,
                    own=r.own,
                )
            )
        self._reach = max((r.reach for r in self._rules), default=0)
        # Triggers by their first word, each as (rule, trigger) in the rules' order.
        for ri, rule in enumerate(self._rules):
            for pi, ids in enumerate(rule.triggers):
                if ids:
                    self._triggers_by_first.setdefault(ids[0], []).append((ri, pi, frozenset(ids)))
        self._trigger_firsts = frozenset(self._triggers_by_first)

    def drop_pseudo(self, index: TokenIndex, matches: list[Match]) -> list[Match]:
        """The matches less those a pseudo phrase cancels («тугой бинт»: no stiffness)."""
        present = index.pos
        firsts = self._pseudo_firsts.intersection(present)
        if not firsts:
            return matches  # no pseudo phrase can start anywhere
        spans: list[tuple[int, int, frozenset[str]]] = []
        at = index.at
        n = len(at)
        by_first = self._pseudo_by_first
        for first in firsts:
            places = present[first]
            singles, by_second, seconds = by_first[first]
            for findings in singles:
                spans.extend([(a, a, findings) for a in places])
            if not seconds:
                continue
            # Side by side, punctuation included («не могу сказать, что»): the first word stands
            # at each of its places; only the phrases whose second word stands right after it.
            for a in places:
                if a + 1 >= n:
                    continue
                for second in seconds.intersection(at[a + 1]):
                    for ids, findings in by_second[second]:
                        size = len(ids)
                        b = a + size - 1
                        if b < n and all(ids[k] in at[a + k] for k in range(2, size)):
                            spans.append((a, b, findings))
        if not spans:
            return matches
        return [
            m
            for m in matches
            if not any(
                m.finding in f and m.positions[0] <= b and m.positions[-1] >= a for a, b, f in spans
            )
        ]

    def qualify(
        self,
        tokens: list[Token],
        matches: list[Match],
        sentence_of: list[int],
        movement: frozenset[str],
        anchors: frozenset[str] = frozenset(),
        index: TokenIndex | None = None,
        clause_of: list[int] | None = None,
    ) -> list[tuple[frozenset[str], tuple[str, ...]]]:
        """Qualifiers and the cue words that set them, for each match (same order);
        ``clause_of`` as ``clauses`` gives it (computed when not given)."""
        if not matches:
            return []
        if clause_of is None:
            clause_of = clauses(tokens, sentence_of)
        tindex = index if index is not None else TokenIndex(tokens, self._vocabulary)
        # Each cue: category, where it stands, its words, its reach, and for a conditional
        # whether it comes first and the terminators it reads through in its own clause.
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
            ]
        ] = []
        standing_words = tindex.present()
        by_trigger = self._triggers_by_first
        firsts = standing_words & self._trigger_firsts
        standing = (
            sorted(
                (ri, pi)
                for n in firsts
                for ri, pi, words in by_trigger[n]
                if words <= standing_words  # else the phrase stands nowhere (``phrase_ids``)
            )
            if firsts
            else []
        )
        questions: set[int] | None = None
        cue_rule: list[int] = []  # each cue's rule, by number
        for ri, pi in standing:
            rule = self._rules[ri]
            for a, b in _occurrences(tindex, rule.triggers[pi]):
                if rule.question:
                    if questions is None:
                        questions = {
                            sentence_of[i]
                            for i, tok in enumerate(tokens)
                            if tok.punct and "?" in tok.text
                        }
                    if sentence_of[a] not in questions:
                        continue
                if rule.pseudo and any(
                    seq[0] == a for ids in rule.pseudo for seq in tindex.phrase_ids(ids)
                ):
                    continue  # «если честно», «если что»: no condition
                text = " ".join(tokens[k].text for k in range(a, b + 1))
                cond: tuple[int, frozenset[str]] | None = None
                if rule.conditional:
                    # How far a condition reaches: its own clause (0), the one after it (1),
                    # or, in a question that starts with it, the rest of the sentence (2).
                    span = 0
                    if fronted(tokens, clause_of, sentence_of, a):
                        if questions is None:
                            questions = {
                                sentence_of[i]
                                for i, tok in enumerate(tokens)
                                if tok.punct and "?" in tok.text
                            }
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
                    )
                )
                cue_rule.append(ri)
        rules = self._rules
        if any(rules[ri].anaphor for ri in cue_rule):
            # «тогда», «в тот раз» carry only a date said before them, in their sentence or the
            # one before: alone they date nothing.
            dated = [
                (sentence_of[c[1]], c[1])
                for c, ri in zip(cues, cue_rule, strict=True)
                if c[0] == "historical" and not rules[ri].anaphor
            ]
            kept = [
                k
                for k, ri in enumerate(cue_rule)
                if not rules[ri].anaphor
                or any(at < cues[k][1] and sentence_of[cues[k][1]] - s <= 1 for s, at in dated)
            ]
            cues = [cues[k] for k in kept]
            cue_rule = [cue_rule[k] for k in kept]
        owners = self._owners(tindex, matches, clause_of, sentence_of, movement, anchors)
        if not cues:
            # No cue stands in the text: only the person a finding belongs to can qualify it.
            return [
                (_NO_QUALIFIERS, ()) if owner is None else (_OTHER, (owner,)) for owner in owners
            ]
        pos = tindex.pos
        stops: set[int] = set()
        by_first = self._terminators_by_first
        for n in self._terminator_firsts.intersection(pos):  # the terminators that can stand
            for phrase in by_first[n]:
                for a, b in _occurrences(tindex, phrase):
                    stops.update(range(a, b + 1))
        # The terminators of each clause, by their words: a clause holding one states the present,
        # unless a date reads through it («месяц назад на пару минут…»).
        current_clauses: dict[int, set[str]] = {}
        for i in stops:
            current_clauses.setdefault(clause_of[i], set()).add(tokens[i].text)

        def conditional(
            a: int, b: int, m: Match, reach: int, span: int, through: frozenset[str]
        ) -> bool:
            """A condition covers the rest of its own clause (reading through «вдруг»,
            «снова»); one that comes first, the clause after it too («если встану, проходит»),
            and in a question the rest of the sentence, up to a terminator."""
            first = m.positions[0]
            if first <= b or first - b > reach or sentence_of[first] != sentence_of[a]:
                return False
            own = clause_of[a]
            for k in range(b + 1, first):
                if k in stops and (clause_of[k] != own or tokens[k].text not in through):
                    return False
            behind = clause_of[first] - own
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
            first, last = m.positions[0], m.positions[-1]
            if fwd and first > b:
                lo, hi = b, first
            elif bwd and last < a:
                lo, hi = last, a
            else:
                return False
            if hi - lo > reach:
                return False
            if scope[lo] != scope[hi] and not (
                # A bare date set off by commas dates the nearest clause that says something
                # («давно, лет пять назад, терял сознание»), never past one that does.
                carry
                and sentence_of[lo] == sentence_of[hi]
                and words_in(clause_of[a]) - (b - a + 1) <= 1
                and matched_clauses().isdisjoint(
                    range(
                        clause_of[lo] if lo == b else clause_of[lo] + 1, clause_of[hi] + (lo != b)
                    )
                )
            ):
                return False
            return not any(k in stops and tokens[k].text not in through for k in range(lo + 1, hi))

        # Only cues near a match can reach it: cues by where they start, so each match looks at
        # the few around it (in the cues' own order, which sets the order of the cue words).
        by_start = sorted(range(len(cues)), key=lambda k: cues[k][1])
        starts = [cues[k][1] for k in by_start]
        longest = max((c[2] - c[1] for c in cues), default=0)
        events = self._events
        # Clauses that hold a finding: a date there is that finding's; and the words in each
        # clause, punctuation aside. Both worked out when a bare date first asks (rare).
        matched: set[int] | None = None
        clause_words: dict[int, int] | None = None

        def matched_clauses() -> set[int]:
            nonlocal matched
            if matched is None:
                matched = {clause_of[p] for mm in matches for p in mm.positions}
            return matched

        def words_in(clause: int) -> int:
            nonlocal clause_words
            if clause_words is None:
                clause_words = {}
                for k, tok in enumerate(tokens):
                    if not tok.punct:
                        clause_words[clause_of[k]] = clause_words.get(clause_of[k], 0) + 1
            return clause_words.get(clause, 0)

        # Clauses holding a dated event: a historical cue there dates the event only.
        event_clauses = (
            {clause_of[m.positions[0]] for m in matches if m.finding in events} if events else set()
        )
        out: list[tuple[frozenset[str], tuple[str, ...]]] = []
        for idx, m in enumerate(matches):
            quals: set[str] = set()
            words: list[str] = []
            own = set(m.positions)
            lo_k = bisect_left(starts, m.positions[0] - self._reach - longest)
            hi_k = bisect_right(starts, m.positions[-1] + self._reach)
            for ci in sorted(by_start[lo_k:hi_k]):
                cat, a, b, text, fwd, bwd, reach, sent, only, cond = cues[ci]
                inside = not own.isdisjoint(range(a, b + 1))
                if (inside and not rules[cue_rule[ci]].own) or (only and m.finding not in only):
                    continue
                through = rules[cue_rule[ci]].through
                present = current_clauses.get(clause_of[m.positions[0]])
                if cat == "historical" and present and not present <= through:
                    continue  # «сегодня вдруг…»: the present wins
                if cat == "historical" and not only and m.finding in events:
                    continue  # «операция месяц назад» is recent: only its own rules date it
                if (
                    cat == "historical"
                    and clause_of[a] in event_clauses
                    and clause_of[m.positions[0]] != clause_of[a]
                ):
                    continue  # «операция месяц назад, икра болит»: the date is the operation's
                if inside or (
                    conditional(a, b, m, reach, cond[0], cond[1])
                    if cond is not None
                    else reaches(
                        a, b, m, fwd, bwd, reach, sent, through, cat == "historical" and not sent
                    )
                ):
                    quals.add(cat)
                    words.append(text)
            owner = owners[idx]
            if owner is not None:
                quals.add("other")
                words.append(owner)
            out.append((frozenset(quals), tuple(dict.fromkeys(words))))
        return out

    def _reports(self, index: TokenIndex, i: int) -> bool:
        """«Сестра говорит, …», «муж заметил …»: the person reports what someone else has."""
        at = index.at
        return any(
            not at[k].isdisjoint(self._reporting_ids) for k in range(i + 1, min(i + 3, len(at)))
        )

    def _answers_me(self, index: TokenIndex, i: int) -> bool:
        """«Он мне не отвечает», «на меня не реагирует»: the writer is the one not answered."""
        at = index.at
        if index.tokens[i].text == "меня" and (i == 0 or index.tokens[i - 1].text != "на"):
            return False
        return any(
            not at[k].isdisjoint(self._recipient_ids) for k in range(i + 1, min(i + 4, len(at)))
        )

    def _stranger(self, name: str) -> bool:
        return name in self._stranger_lemmas  # one of the strangers' lemmas

    def _person_at(self, index: TokenIndex, i: int) -> str | None:
        tok = index.tokens[i]
        if tok.text in SELF_WORDS:
            if tok.text in ("мне", "меня") and self._answers_me(index, i):
                return None
            return "я"
        ids = index.at[i] & self._person_ids
        if not ids:
            return None
        rank = self._person_rank
        name = self._person_names[min([rank[n] for n in ids])]  # the first that matches
        return tok.text if name is None else name

    @staticmethod
    def _referred(index: TokenIndex, named: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Each «у неё», «у него» as (place, the person named last before it, not «я»)."""
        others = [(i, p) for i, p in named if p != "я"]
        if not others:
            return []
        tokens = index.tokens
        out: list[tuple[int, str]] = []
        for j in range(others[0][0] + 1, len(tokens)):
            if tokens[j].text in PRONOUNS and tokens[j - 1].text == "у":
                out.append((j, next(p for i, p in reversed(others) if i < j)))
        return out

    def _owners(
        self,
        index: TokenIndex,
        matches: list[Match],
        clause_of: list[int],
        sentence_of: list[int],
        movement: frozenset[str],
        anchors: frozenset[str],
    ) -> list[str | None]:
        """For each match: the name of the other person it belongs to, or None (the patient)."""
        # Where a person word stands (any token, punctuation included), and «я», «мне»...
        naming = self._naming_ids
        if naming.isdisjoint(index.present()) and naming.isdisjoint(index.ppos):
            return [None] * len(matches)  # nobody named: every finding is the patient's
        spots: set[int] = set()
        for where in (index.pos, index.ppos):
            for n in self._naming_ids.intersection(where):
                spots.update(where[n])
        named = [(i, p) for i in sorted(spots) if (p := self._person_at(index, i)) is not None]
        if all(p == "я" for _, p in named):
            # Only the writer named («я», «мне»): nobody else's, so every finding is the patient's
            # (the writer is the patient then; nothing is referred to another person either).
            return [None] * len(matches)
        persons = [(i, p) for i, p in named if not self._reports(index, i)]
        # «у неё», «у него» name the person named last before them (a reporter too: «сестра
        # говорит, что у неё после родов отекали ноги» is the sister's): for whose a clause is,
        # never for who the patient is by order.
        referred = self._referred(index, named)
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
                here = [
                    ip
                    for ip in here
                    if ip[0] not in own
                    and not (
                        own[0] < ip[0] < own[-1] and index.tokens[ip[0]].text in OBJECT_PRONOUNS
                    )
                ]
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
        said_of = {person_of(m.positions[0], m.positions) for m in matches}
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
            p = person_of(m.positions[0], m.positions)
            out.append(p if p is not None and p != patient else None)
        return out
