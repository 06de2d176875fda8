from hypothesis import given
from hypothesis import strategies as st

from core.text import fold


def test_fold_strips_vietnamese_diacritics_and_case():
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert fold("ĐẶNG  Thị   Ánh\n") == "dang thi anh"
    assert fold("Phường Đống Đa") == "phuong dong da"


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_folding_ascii_text_is_lowering_it_and_collapsing_its_whitespace(text):
    assert fold(text) == " ".join(text.lower().split())
    assert fold(f"{text} Đ") == f"{fold(text)} d".lstrip()  # the same as through the general path
