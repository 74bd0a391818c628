"""How decision text is cut for search: normalized, then into two-character pieces.

Chinese has no spaces between words, and a word is most often two characters (社区,
停车, 养老). Trigram indexes (SQLite FTS5's trigram tokenizer, PostgreSQL's pg_trgm)
cannot look up anything shorter than three characters, so decisions keep their own index
of every two-character piece (bigram) of their title and text. A two-character word is
then one exact lookup; a longer one is the pieces it is made of, then checked against the
text for the word as a whole. The same code serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# A run of letters and digits in any script; punctuation and spaces separate words.
_RUN = re.compile(r"\w+")
MAX_TERMS = 5
MAX_TERM_LENGTH = 30


def normalize(text: str) -> str:
    """Full-width letters and digits as ordinary ones (ＰＭ２.５ → pm2.5), any case as lower."""
    return unicodedata.normalize("NFKC", text).casefold()


def runs(text: str) -> list[str]:
    return _RUN.findall(normalize(text))


def bigrams(word: str) -> list[str]:
    """The two-character pieces of one run, in order; a run of one character is itself."""
    if len(word) < 2:
        return [word] if word else []
    return [word[i : i + 2] for i in range(len(word) - 1)]


def gram_counts(text: str) -> Counter[str]:
    """How often each piece occurs in a text: what the index keeps for it."""
    return Counter(gram for run in runs(text) for gram in bigrams(run))


def query_terms(query: str) -> list[str]:
    """The words a search asks for, each once, at most a few: a run of letters or Chinese
    characters is one word (a resident types 老旧小区 or 老旧 小区, both are searched)."""
    terms: list[str] = []
    for run in runs(query):
        term = run[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]
