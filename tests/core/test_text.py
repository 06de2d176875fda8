from hypothesis import given
from hypothesis import strategies as st

from core.text import fold, vietnamese_sort_key


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


def test_names_sort_in_vietnamese_dictionary_order():
    names = ["Phường Đống Đa", "Phường Dịch Vọng", "Xã Ứng Hòa", "Xã Uy Nỗ", "Phường Ông Ích Khiêm", "Phường Ô Chợ Dừa"]
    names += ["Phường Ăn", "Phường Án", "Phường An", "Phường Ân", "Phường Ba Đình"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Phường An",
        "Phường Án",
        "Phường Ăn",
        "Phường Ân",
        "Phường Ba Đình",
        "Phường Dịch Vọng",
        "Phường Đống Đa",
        "Phường Ô Chợ Dừa",
        "Phường Ông Ích Khiêm",
        "Xã Uy Nỗ",
        "Xã Ứng Hòa",
    ]
