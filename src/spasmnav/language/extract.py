"""Turn a person's own words into findings, each with the span of text it came from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from itertools import accumulate
from operator import itemgetter
from typing import TYPE_CHECKING

from .. import expr as ex
from ..facts import Observation
from . import morph
from .context import is_negated, may_negate, negates
from .frames import Frames
from .lexicon import VOCABULARY, Lexicon, Match, TokenIndex, _word
from .morph import Token, normalize, tokenize
from .normalise import Normalised
from .qualifiers import CLAUSE_WORDS, Qualifiers, clauses
from .quantities import extract_quantities, token_kind

if TYPE_CHECKING:
    from ..content import Pack

__all__ = ["MAX_TEXT_CHARS", "Reader", "TextError", "Understanding"]

MAX_TEXT_CHARS = 5000
NUMERIC = (
    "symptom_duration_days",
    "days_since_stroke",
    "age",
    "pregnancy_weeks",
    "episode_minutes",
    "episodes_per_week",
    "onset_hours_ago",
    "diary_count_rise",
)
_NO_QUALIFIERS: frozenset[str] = frozenset()
# A medicine stopped or run out: a medicine denied in the sentence that says so («баклофен не
# пью, таблетки закончились») was taken until then, so it stays taken (a withdrawal needs it).
_STOPPED = frozenset({"medicine_ran_out", "baclofen_stopped", "medicine_gap"})


# A token as the reader keeps it per chunk: the token's fields (offsets relative to the chunk),
# then its vocabulary matches (all, weak), its kind for quantities and whether it can negate.
@dataclass(frozen=True, slots=True)
class _Chunk:
    """One chunk as the reader keeps it (see ``Reader._scan``): its tokens (offsets relative
    to the chunk, typo lemmas added), and for the whole chunk what the index and the stages
    need, each token by its place in the chunk."""

    tokens: tuple[Token, ...]
    at: tuple[frozenset[int], ...]  # the vocabulary's matches of each token
    kinds: tuple[int, ...]  # quantities.token_kind of each token
    weak: frozenset[int]  # the weak matches of its tokens outside punctuation
    negs: tuple[int, ...]  # its tokens that can negate (context.negates)
    words: tuple[tuple[int, int], ...]  # (token, word number), tokens outside punctuation
    marks: tuple[tuple[int, int], ...]  # the same for punctuation tokens
    flow: tuple[tuple[int, bool], ...]  # per token: clauses it opens, whether it ends a sentence
    size: int  # how many tokens
    # When no token of it ends a sentence (most chunks): per token, the clauses opened up to
    # and including it, and the clauses it opens in all; else None and -1.
    cum: tuple[int, ...] | None
    opens: int
    # The lexicon's terms its tokens decide alone (``Lexicon.chunk_terms``).
    terms: frozenset[int] = frozenset()
    # A chunk of one token outside punctuation (most chunks), all ``_scan`` needs of it in one
    # tuple: the token, its matches (all, weak), its kind, whether it can negate, the clauses
    # it opens, its terms, its matches again as a tuple (in the set's order: faster to walk);
    # else None.
    one: _One | None = None


_One = tuple[Token, frozenset[int], frozenset[int], int, bool, int, frozenset[int], tuple[int, ...]]
# Where tokens i and j of a text stand in the person's text: from i's start to j's end.
Place = Callable[[int, int], tuple[int, int]]


_CHUNK_CACHE_SIZE = 4_096  # bounded as morph._WORDS: a chunk kept is about a kilobyte
_UNKNOWN = Observation(None)
# Observation's fields, each set through its slot: a frozen dataclass's __init__ sets each
# through object.__setattr__, slower by half (several are made per text).
_OBSERVATION_FIELDS = ("present", "value", "text", "start", "end", "qualifiers", "cues")
assert tuple(f.name for f in fields(Observation)) == _OBSERVATION_FIELDS
_set_present, _set_value, _set_text, _set_start, _set_end, _set_qualifiers, _set_cues = (
    getattr(Observation, name).__set__ for name in _OBSERVATION_FIELDS
)
_new_object = object.__new__


def _observation(
    present: bool | None,
    value: float | None,
    text: str | None,
    start: int | None,
    end: int | None,
    qualifiers: frozenset[str] = frozenset(),
    cues: tuple[str, ...] = (),
) -> Observation:
    """``Observation(present, value, text, start, end, qualifiers, cues)``, the same object."""
    obs: Observation = _new_object(Observation)
    _set_present(obs, present)
    _set_value(obs, value)
    _set_text(obs, text)
    _set_start(obs, start)
    _set_end(obs, end)
    _set_qualifiers(obs, qualifiers)
    _set_cues(obs, cues)
    return obs


_NEGATED = frozenset({"negated"})
_shown_order = itemgetter("start", "finding")
_finding_of = itemgetter(0)  # of a Match
# Punctuation that may close the second piece of a split word («судо роги,»).
_CLOSING = ",.!?;:…)»\"'"
_FRAGMENTS_CACHE_SIZE = 4_096


def _pack_lemmas(pack: Pack, lexicon: Lexicon) -> frozenset[str]:
    """The lemmas of the pack's lexicon terms and frame words: what a split word may join into."""
    out: set[str] = set()
    for term in lexicon.terms:
        for w in term.words:
            out |= w.lemmas
    for fr in pack.frames:
        for slot in fr.clause + fr.sentence:
            for phrase in slot:
                for raw in phrase.lstrip("^").split():
                    if not raw.startswith("~"):
                        out |= _word(raw).lemmas
    return frozenset(out)


class TextError(ValueError):
    """The text cannot be assessed; the message is in Russian, for the person."""


@dataclass(slots=True)
class Understanding:
    facts: dict[str, Observation]
    matches: list[dict[str, object]]
    subject: str  # "self" or "other"
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def _snapshot_key(pack: Pack) -> str:
    """What the analyses made while building a Reader depend on: the pack's words, the code
    that picks and lemmatises them, and pymorphy3's dictionaries."""
    from pathlib import Path

    from .. import snapshot
    from . import frames, lexicon, normalise, qualifiers

    words = [(f.id, f.lexicon, f.near, f.elsewhere) for f in pack.findings]
    parts: list[bytes | str] = [morph.analyser_version(), repr(words)]
    parts += [repr(pack.context), repr(pack.frames)]
    for module in (morph, normalise, lexicon, qualifiers, frames):
        parts.append(Path(str(module.__file__)).read_bytes())
    parts.append(Path(__file__).read_bytes())
    return snapshot.fingerprint(parts)


class Reader:
    def __init__(self, pack: Pack) -> None:
        # Lemmatising the pack's own words (lexicon, qualifier triggers, frames) is most of a
        # cold start after pymorphy3's dictionaries; the analyses are kept in the snapshot cache
        # (spasmnav.snapshot) and adopted before building. They are exactly what pymorphy3
        # would say, so a reader built either way is the same.
        from .. import snapshot

        built = False

        def build_and_record() -> dict[str, morph.Analysis]:
            nonlocal built
            with morph.recording() as table:
                self._build(pack)
            built = True
            return table

        table = snapshot.cached("analyses", _snapshot_key(pack), build_and_record, dict)
        if not built:
            morph.seed_analyses(table)
            self._build(pack)

    def _build(self, pack: Pack) -> None:
        self.pack = pack
        self.lexicon = Lexicon(pack)
        self.movement = frozenset(f.id for f in pack.findings if f.kind == "movement" or f.scope)
        self.symptoms = frozenset(
            f.id for f in pack.findings if f.kind in ("symptom", "sign", "movement")
        )
        self.overrides = {f.id: frozenset(f.overrides) for f in pack.findings if f.overrides}
        self.history = frozenset(
            f.id for f in pack.findings if f.kind in ("history", "risk_factor")
        )
        self.qualifiers = Qualifiers(pack.context)
        self.frames = Frames(pack.frames)
        self.vocabulary = VOCABULARY
        kinds = {f.id: f.kind for f in pack.findings}
        red_flag_findings = frozenset(
            fid for r in pack.rules if r.red_flag for fid in ex.findings(r.when)
        )
        frame_findings = frozenset(fr.finding for fr in pack.frames)
        # Which qualifiers change what a finding means. A movement stays the complaint whatever
        # is said of it; an old mention of a history item is still history, but an old date
        # makes a recent event (an operation) old.
        events = frozenset(pack.context.events) if pack.context is not None else frozenset()
        medicines = frozenset(pack.context.medicines) if pack.context is not None else frozenset()
        self._qualifiable = {
            "other": frozenset(f for f, k in kinds.items() if k not in ("context", "check")),
            # A medicine named in a question or beside a possibility is taken or weighed.
            "hypothetical": frozenset(
                f
                for f, k in kinds.items()
                if k in ("sign", "symptom", "history", "risk_factor") and f not in medicines
            ),
            # Only a red flag is downgraded by an old mention: «поясница ноет давно» is still
            # the back pain the person has.
            "historical": frozenset(
                f
                for f, k in kinds.items()
                if k in ("sign", "symptom") and (f in red_flag_findings or f in frame_findings)
            )
            | (events & frozenset(f for f, k in kinds.items() if k == "risk_factor")),
        }
        self.history_as = {f.id: f.history_as for f in pack.findings if f.history_as}
        self.medicines = medicines
        # Words split by dictation («щито видной», «ин сульт») are joined when the whole is one
        # of the pack's words (see ``_join_split``).
        self._pack_lemmas = _pack_lemmas(pack, self.lexicon)
        self._fragments: dict[str, bool] = {}
        self._wholes: dict[str, bool] = {}
        self._whole_pieces: set[str] = set()
        # What _scan keeps per chunk (empty when the reader is built, so when it is pickled).
        self._chunks: dict[str | morph.ChunkKey, _Chunk] = {}
        # The chunks of one word with no delimiter at either end (most), by the chunk alone:
        # what ``_scan`` needs of each (``_Chunk.one``), without a look at its neighbours.
        self._ones: dict[str, _One] = {}
        self._chunks_generation = self.vocabulary.generation

    def forget(self) -> None:
        """Forget every word and chunk seen so far, here and in the analyser's caches (not the
        pack's own words): the next text costs what a text of new words costs."""
        from .quantities import forget as forget_kinds

        self._chunks.clear()
        self._ones.clear()
        self._fragments.clear()
        self._wholes.clear()
        self._whole_pieces.clear()
        self.lexicon.forget()
        self.vocabulary.forget()
        morph.forget()
        forget_kinds()

    def _scan(
        self, norm: str, pieces: list[str] | None = None
    ) -> tuple[list[Token], TokenIndex, list[int], bool, list[int], list[int], Place]:
        """The tokens of normalised text with their typo lemmas, their index, the kind of each
        for quantities (``token_kind``), whether one can negate (``may_negate``), the sentence
        and the clause (``qualifiers.clauses``) of each, and where tokens stand: what
        ``with_typos``, ``TokenIndex``, ``token_kind`` and ``negates`` say of each token, worked
        out once per chunk (``morph.chunks``) and kept with the reader.

        The tokens are the ones kept with their chunk, offsets relative to it (none is made per
        text): ``place(i, j)`` is the span in the person's text from token i's start to token
        j's end. ``pieces``, if given, are the text's chunks (``str.split``)."""
        vocab = self.vocabulary
        if morph.recording_now():
            plain_tokens = self.lexicon.with_typos(tokenize(norm))
            plain_kinds = [token_kind(tok) for tok in plain_tokens]
            index = TokenIndex(plain_tokens, vocab)
            sentences = []
            s = 0
            for tok in plain_tokens:
                sentences.append(s)
                s += tok.ends_sentence

            def placed(i: int, j: int) -> tuple[int, int]:  # offsets already in the text
                return plain_tokens[i].start, plain_tokens[j].end

            return (
                plain_tokens,
                index,
                plain_kinds,
                may_negate(plain_tokens),
                sentences,
                clauses(plain_tokens, sentences),
                placed,
            )
        cache = self._chunks
        ones = self._ones
        if self._chunks_generation != vocab.generation:  # words numbered since: answers stale
            cache.clear()
            ones.clear()
            self._chunks_generation = vocab.generation
        origin = morph.origin_map(norm)
        tokens: list[Token] = []
        at: list[frozenset[int]] = []
        pos: dict[int, list[int]] = {}
        ppos: dict[int, list[int]] = {}
        weak: set[int] = set()
        terms: set[int] = set()
        kinds: list[int] = []
        negs: list[int] = []
        sentence_of: list[int] = []
        clause_of: list[int] = []
        chunk_at: list[int] = []  # where each token's chunk starts
        sentence = clause = 0
        append = tokens.append
        chunk_at_append = chunk_at.append
        at_append = at.append
        kinds_append = kinds.append
        sentence_of_append = sentence_of.append
        clause_of_append = clause_of.append
        pos_get = pos.get
        get = cache.get
        setdefault = pos.setdefault
        i = 0
        plain = str(norm)
        find = plain.find
        if pieces is None:
            pieces = plain.split()  # the chunks of morph.chunks, inline
        last = len(pieces) - 1
        edge = morph.EDGE_DELIMITERS
        kind_of = morph.kind_of
        at_char = 0
        ones_get = ones.get
        for k, chunk in enumerate(pieces):
            a = find(chunk, at_char)
            at_char = a + len(chunk)
            one = ones_get(chunk)
            if one is None:
                # Keyed by the chunk alone unless razdel's rules look across its edges.
                key: str | morph.ChunkKey = chunk
                edged = chunk[0] in edge or chunk[-1] in edge
                if edged:  # morph.edges, inline
                    before = kind_of(pieces[k - 1][-1]) if k and chunk[0] in edge else ""
                    after = kind_of(pieces[k + 1][0]) if k < last and chunk[-1] in edge else ""
                    if before or after:
                        key = (chunk, before, after)
                hit = get(key)
                if hit is None:
                    hit = self._chunk(key if isinstance(key, tuple) else (chunk, "", ""))
                    morph.make_room(cache, _CHUNK_CACHE_SIZE)
                    cache[key] = hit
                found = hit
                one = found.one
                if one is not None and not edged:
                    morph.make_room(ones, _CHUNK_CACHE_SIZE)
                    ones[chunk] = one
            if one is not None:  # one word: the loops below for a chunk of one token, inline
                tok, full, wk, kind, neg, opens, lex, ids = one
                append(tok)
                chunk_at_append(a)
                at_append(full)
                kinds_append(kind)
                if wk:
                    weak.update(wk)
                if neg:
                    negs.append(i)
                if lex:
                    terms.update(lex)
                for n in ids:
                    plist = pos_get(n)
                    if plist is None:
                        pos[n] = [i]
                    else:
                        plist.append(i)
                sentence_of_append(sentence)
                clause += opens
                clause_of_append(clause)  # a word never ends a sentence
                i += 1
                continue
            size = found.size
            tokens.extend(found.tokens)
            chunk_at.extend([a] * size)
            at.extend(found.at)
            kinds.extend(found.kinds)
            if found.weak:
                weak.update(found.weak)
            if found.terms:
                terms.update(found.terms)
            if found.negs:
                negs.extend([i + r for r in found.negs])
            for r, n in found.words:
                r += i
                here = setdefault(n, [r])
                if here[-1] != r:
                    here.append(r)
            for r, n in found.marks:
                plist = ppos.get(n)
                if plist is None:
                    ppos[n] = [i + r]
                else:
                    plist.append(i + r)
            # sentence and clause, as qualifiers.clauses numbers them
            cum = found.cum
            if cum is not None:  # no sentence ends in the chunk
                if size == 1:
                    sentence_of.append(sentence)
                    clause += cum[0]
                    clause_of.append(clause)
                else:
                    sentence_of.extend([sentence] * size)
                    clause_of.extend([clause + c for c in cum])
                    clause += found.opens
            else:
                for opens, ends in found.flow:
                    sentence_of.append(sentence)
                    clause += opens
                    clause_of.append(clause)
                    if ends:
                        sentence += 1
                        clause += 1  # the next token starts a sentence, hence a clause
            i += size
        negating = bool(negs)
        index = TokenIndex.of(tokens, vocab, at, pos, ppos, weak, negs, terms)

        def place(i: int, j: int) -> tuple[int, int]:
            start, end = chunk_at[i] + tokens[i].start, chunk_at[j] + tokens[j].end
            return (start, end) if origin is None else (origin(start), origin(end))

        return tokens, index, kinds, negating, sentence_of, clause_of, place

    def _chunk(self, key: morph.ChunkKey) -> _Chunk:
        """One chunk's tokens (offsets relative to it) with what ``_scan`` needs of them."""
        tokens = self.lexicon.with_typos(
            [
                Token(word, start, end, lem, p, punct, ends, breaks)
                for start, end, word, lem, p, punct, ends, breaks in morph.template(key)
            ]
        )
        matched = [self.vocabulary.match(tok) for tok in tokens]
        weak: set[int] = set()
        terms: set[int] = set()
        chunk_terms = self.lexicon.chunk_terms
        for tok, (full, wk) in zip(tokens, matched, strict=True):
            if not tok.punct:
                weak.update(wk)
                terms |= chunk_terms(full, wk)
        flow = tuple(
            (
                int(tok.breaks_clause or tok.text == ",")
                if tok.punct
                else int(tok.text in CLAUSE_WORDS),
                tok.ends_sentence,
            )
            for tok in tokens
        )
        cum: tuple[int, ...] | None = None
        opens = -1
        if not any(ends for _, ends in flow):
            cum = tuple(accumulate(o for o, _ in flow))
            opens = cum[-1] if cum else 0
        one: _One | None = None
        if len(tokens) == 1 and not tokens[0].punct:
            t = tokens[0]
            full, wk = matched[0]
            one = (
                t,
                full,
                wk,
                token_kind(t),
                negates(t),
                flow[0][0],
                frozenset(terms),
                tuple(full),
            )
        return _Chunk(
            tokens=tuple(tokens),
            at=tuple(full for full, _ in matched),
            kinds=tuple(token_kind(tok) for tok in tokens),
            weak=frozenset(weak),
            negs=tuple(r for r, tok in enumerate(tokens) if negates(tok)),
            words=tuple(
                (r, n)
                for r, (tok, (full, _)) in enumerate(zip(tokens, matched, strict=True))
                if not tok.punct
                for n in full
            ),
            marks=tuple(
                (r, n)
                for r, (tok, (full, _)) in enumerate(zip(tokens, matched, strict=True))
                if tok.punct
                for n in full
            ),
            flow=flow,
            size=len(tokens),
            cum=cum,
            opens=opens,
            terms=frozenset(terms),
            one=one,
        )

    def _fragment(self, piece: str) -> bool:
        """Is the chunk a word pymorphy3 does not know (a closing mark allowed after it): a piece
        of a word split in two, or a typo?"""
        hit = self._fragments.get(piece)
        if hit is None:
            core = piece.rstrip(_CLOSING)
            hit = len(core) >= 2 and core.isalpha() and not morph.word_is_known(core)
            morph.make_room(self._fragments, _FRAGMENTS_CACHE_SIZE)
            self._fragments[piece] = hit
        return hit

    def _joinable(self, a: str, b: str) -> bool:
        """Are two neighbouring chunks, one of them unknown, one word of the pack's split in two?"""
        core = b.rstrip(_CLOSING)
        if len(a) < 2 or len(core) < 2 or not a.isalpha() or not core.isalpha():
            return False
        whole = a + core
        hit = self._wholes.get(whole)
        if hit is None:
            hit = morph.strongly_known(whole) and not morph.lemmas(whole).isdisjoint(
                self._pack_lemmas
            )
            morph.make_room(self._wholes, _FRAGMENTS_CACHE_SIZE)
            self._wholes[whole] = hit
        return hit

    def _join_split(self, norm: str) -> tuple[str, list[str] | None]:
        """The text with each word split in two by dictation written whole: two chunks one
        space apart, one of them unknown, whose letters together make a word the pack knows
        («щито видной» → «щитовидной», «судо роги» → «судороги»). Offsets still map to the
        person's text (the span covers both pieces). A look-up per chunk when nothing is split,
        the commonest case. With the text, its chunks (``str.split``) when it is unchanged: the
        same strings, their hashes already known, serve ``_scan``."""
        plain = str(norm)
        pieces = plain.split()
        whole = self._whole_pieces  # chunks seen that are no fragment: one set test, in C
        if whole.issuperset(pieces):
            return norm, pieces
        if len(whole) >= 4 * _FRAGMENTS_CACHE_SIZE:
            whole.clear()
        pairs: list[int] = []
        last = len(pieces) - 1
        for i, p in enumerate(pieces):
            if p in whole:
                continue
            if not self._fragment(p):
                whole.add(p)
                continue
            if i > 0 and self._joinable(pieces[i - 1], p):
                pairs.append(i - 1)
            if i < last and self._joinable(p, pieces[i + 1]):
                pairs.append(i)
        if not pairs:
            return norm, pieces
        starts = []
        at = 0
        for p in pieces:
            at = plain.find(p, at)
            starts.append(at)
            at += len(p)
        gone: set[int] = set()
        taken = -1  # the last chunk joined
        for k in sorted(set(pairs)):
            gap = starts[k] + len(pieces[k])
            if k > taken and starts[k + 1] == gap + 1:  # one space, no chunk joined twice
                gone.add(gap)
                taken = k + 1
        if not gone:
            return norm, pieces
        text = "".join(ch for i, ch in enumerate(plain) if i not in gone)
        origin = norm.origin if isinstance(norm, Normalised) else None
        offsets = [origin(i) if origin else i for i in range(len(plain)) if i not in gone]
        end = origin(len(plain)) if origin else len(plain)
        return Normalised(text, offsets, end), None

    def _drop_overridden(self, matches: list[Match]) -> list[Match]:
        overrides = self.overrides
        if not overrides or overrides.keys().isdisjoint(map(_finding_of, matches)):
            return matches  # no overriding finding matched
        # A match is hidden by an overriding one whose words include all of its own: only the
        # overriding matches standing on the match's first word are looked at.
        covering: dict[int, list[tuple[set[int], frozenset[str]]]] = {}
        for m in matches:
            hidden = self.overrides.get(m.finding)
            if hidden is not None:
                span = (set(m.positions), hidden)
                for p in m.positions:
                    covering.setdefault(p, []).append(span)
        if not covering:
            return matches
        return [
            m
            for m in matches
            if not any(
                m.finding in hidden and pos.issuperset(m.positions)
                for pos, hidden in covering.get(m.positions[0], ())
            )
        ]

    def read(self, text: str) -> Understanding:
        if not isinstance(text, str) or not text.strip():
            raise TextError("Пустой текст: опишите, что происходит с ногой, своими словами.")
        truncated = len(text) > MAX_TEXT_CHARS
        if truncated:
            text = text[:MAX_TEXT_CHARS]
        norm, pieces = self._join_split(normalize(text))
        # Typo tolerance first, so lexicon, frames and qualifiers all read the corrected words.
        # Where each word stands, shared by every matcher below, in the vocabulary whose numbers
        # the matchers hold: a reader read back from the snapshot cache carries its own copy.
        tokens, index, kinds, negating, sentence_of, clause_of, place = self._scan(norm, pieces)
        found = self.lexicon.find(tokens, sentence_of, clause_of, index)
        found.extend(self.frames.find(tokens, sentence_of, clause_of, index))
        matches = self.qualifiers.drop_pseudo(index, self._drop_overridden(found))
        by_finding: dict[str, list[tuple[Match, bool, frozenset[str], tuple[str, ...]]]] = {}
        at_token: dict[int, set[str]] = {}
        listed = (
            frozenset(p for m in matches if m.finding in self.symptoms for p in m.positions)
            if negating
            else frozenset()
        )
        qualified = self.qualifiers.qualify(
            tokens, matches, sentence_of, self.movement, self.symptoms, index, clause_of
        )
        qualifiable = self._qualifiable
        negs = index.negs  # None: every token looked at
        asked: set[int] | None = None  # the sentences that are questions, when needed
        read: list[tuple[Match, bool, frozenset[str], tuple[str, ...]]] = []
        denied_medicine = False
        medicines = self.medicines
        for m, (quals, cues) in zip(matches, qualified, strict=True):
            # No word that can negate stands in the text: nothing is negated (most texts); else
            # only the words that can are looked at as triggers.
            if negating:
                medicine = m.finding in medicines
                neg = is_negated(tokens, m, listed, negs, medicine)
            else:
                medicine = neg = False
            if neg and medicine:
                # «А это не от баклофена?»: a medicine in a question is taken or weighed.
                if asked is None:
                    asked = {
                        sentence_of[i]
                        for i, tok in enumerate(tokens)
                        if tok.punct and "?" in tok.text
                    }
                neg = sentence_of[m.positions[0]] not in asked
                denied_medicine = denied_medicine or neg
            effective = (
                frozenset(q for q in quals if m.finding in qualifiable.get(q, _NO_QUALIFIERS))
                if quals
                else quals
            )
            read.append((m, neg, effective, cues))
        if denied_medicine:
            stopped = {
                sentence_of[m.positions[0]]
                for m, neg, mq, _ in read
                if m.finding in _STOPPED and not neg and not mq
            }
            if stopped:
                read = [
                    (
                        m,
                        neg and not (m.finding in medicines and sentence_of[m.first] in stopped),
                        mq,
                        c,
                    )
                    for m, neg, mq, c in read
                ]
        for m, neg, effective, cues in read:
            by_finding.setdefault(m.finding, []).append((m, neg, effective, cues))
            if not neg and not effective:
                for p in m.positions:
                    here = at_token.get(p)
                    if here is None:
                        at_token[p] = {m.finding}
                    else:
                        here.add(m.finding)
        facts: dict[str, Observation] = {}
        shown: list[dict[str, object]] = []
        history: dict[str, Observation] = {}
        for fid, ms in by_finding.items():
            # The first current mention, else the first negated one, else the first at all.
            current: Match | None = None
            negated: Match | None = None
            for m, neg, mq, _ in ms:
                if not neg and not mq:
                    current = m
                    break
                if neg and negated is None:
                    negated = m
            if current is not None:
                chosen, present, quals, cues = current, True, _NO_QUALIFIERS, ()
            elif negated is not None:
                chosen, present = negated, False
                quals, cues = _NEGATED, ()
            else:
                # Only qualified mentions: old, hypothetical or someone else's — not current.
                chosen, _, quals, cues = ms[0]
                present = None
            start, end = place(chosen.positions[0], chosen.positions[-1])
            said = text[start:end]
            facts[fid] = _observation(present, None, said, start, end, quals, cues)
            if present is None and "historical" in quals and "other" not in quals:
                target = self.history_as.get(fid)
                if target is not None:
                    history[target] = Observation(
                        True, text=text[start:end], start=start, end=end, cues=cues
                    )
            for m, neg, mq, _ in ms:
                if m is chosen:
                    a, b, piece = start, end, said
                else:
                    a, b = place(m.positions[0], m.positions[-1])
                    piece = text[a:b]
                shown.append(
                    {
                        "finding": fid,
                        "term": m.term,
                        "negated": neg,
                        "qualifiers": sorted(mq | _NEGATED) if neg else sorted(mq) if mq else [],
                        "start": a,
                        "end": b,
                        "text": piece,
                    }
                )
        for fid, obs in history.items():
            if facts.get(fid) is None or facts[fid].present is not True:
                facts[fid] = obs
        q = extract_quantities(
            tokens, at_token, self.movement, self.history, kinds=kinds, place=place
        )
        spans = q.spans or {}
        for name in NUMERIC if spans else ():
            value = getattr(q, name)
            if value is None:
                continue
            span = spans.get(name)
            facts[name] = (
                _observation(True, float(value), text[span[0] : span[1]], span[0], span[1])
                if span
                else _observation(True, float(value), None, None, None)
            )
        if q.pregnancy_weeks is not None and not facts.get("pregnancy", _UNKNOWN).present:
            weeks = facts["pregnancy_weeks"]  # «на 36 неделе» says she is pregnant
            facts["pregnancy"] = Observation(True, None, weeks.text, weeks.start, weeks.end)
        subject = "other" if facts.get("subject_other", _UNKNOWN).present else "self"
        # By where they start, then finding (starts are whole numbers under a million: in the
        # order of their six-digit zero-padded strings, as they were once sorted).
        shown.sort(key=_shown_order)
        notes = []
        if truncated:
            notes.append(
                f"Текст длиннее {MAX_TEXT_CHARS} знаков: разобраны первые {MAX_TEXT_CHARS}."
            )
        return Understanding(facts, shown, subject, truncated, notes)
