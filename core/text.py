"""Diacritic-insensitive text: "nguyen van an" must find "Nguyễn Văn An"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics (đ → d included), collapsing whitespace.

    Stored alongside searchable fields and applied to the query, so matching is a plain index lookup and
    nothing is unaccented at query time.
    """
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()
