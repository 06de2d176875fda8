"""Diacritic-insensitive text: "nguyen van an" must find "Nguyễn Văn An"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics (đ → d included), collapsing whitespace.

    Stored alongside searchable fields and applied to the query, so matching is a plain index lookup and
    nothing is unaccented at query time.
    """
    if text.isascii():
        # Nothing to strip (the same result, ten times faster): texts built from parts folded already, as the
        # data generator builds millions of them, are folded again through the models' one formula.
        return " ".join(text.lower().split())  # str.split and \s agree on ASCII whitespace
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


# The Vietnamese alphabet's letters in order; a letter with a tone mark sorts as its base letter, then by tone.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {"\u0300": 2, "\u0301": 4, "\u0303": 3, "\u0309": 1, "\u0323": 5}  # huyền, sắc, ngã, hỏi, nặng


def vietnamese_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key that sorts names in Vietnamese dictionary order (a < ă < â < b … d < đ …; tones after the letters),
    as committees expect their lists of communes and wards; Python's default order puts "Đ" after "Z"."""
    letters: list[tuple[int, str]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if unicodedata.combining(char):
            # The marks that make ă, â, ê, ô, ơ, ư are letters of their own: fold them back onto the base.
            if letters:
                composed = unicodedata.normalize("NFC", letters[-1][1] + char)
                letters[-1] = (_ALPHABET.find(composed) if composed in _ALPHABET else letters[-1][0], composed)
            continue
        position = _ALPHABET.find(char) if char in _ALPHABET else -1 if char.isspace() else 100 + ord(char)
        letters.append((position, char))
        tones.append(0)
    return (tuple(position for position, _char in letters), tuple(tones))
