"""Plausible Vietnamese names, addresses and texts for demo and benchmark data (never real people)."""

import random

SURNAMES = (
    ["Nguyễn"] * 38
    + ["Trần"] * 11
    + ["Lê"] * 9
    + ["Phạm"] * 7
    + ["Hoàng"] * 5
    + ["Vũ"] * 4
    + ["Đặng"] * 3
    + ["Bùi"] * 3
    + ["Đỗ"] * 3
    + ["Hồ", "Ngô", "Dương", "Lý", "Phan", "Trịnh", "Đinh", "Lương", "Tạ", "Kiều"]
)
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Mạnh", "Tiến", "Thanh"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Diệu", "Kim"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Đạt",
    "Hiếu",
    "Lâm",
    "Trung",
]
GIVEN_FEMALE = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Vân",
]
STREETS = [
    "Đội Cấn",
    "Liễu Giai",
    "Quán Thánh",
    "Phan Đình Phùng",
    "Hoàng Hoa Thám",
    "Thụy Khuê",
    "Văn Cao",
    "Đốc Ngữ",
    "Kim Mã",
    "Nguyễn Thái Học",
    "Ngọc Hà",
    "Đào Tấn",
    "Linh Lang",
    "Vĩnh Phúc",
    "Cống Vị",
]


def full_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"


def address(rng: random.Random, ward_name: str) -> str:
    return f"Số {rng.randint(1, 250)}, ngõ {rng.randint(1, 120)} phố {rng.choice(STREETS)}, {ward_name}"


def national_id(rng: random.Random) -> str:
    """A well-formed CCCD number: Hanoi's province code 001, a century/sex digit, year of birth, serial."""
    year = rng.randint(1945, 2005)
    century_sex = (0 if year < 2000 else 2) + rng.randint(0, 1)
    return f"001{century_sex}{year % 100:02d}{rng.randint(0, 999999):06d}"


def phone(rng: random.Random) -> str:
    return f"0{rng.choice(['9', '8', '3', '7'])}{rng.randint(10000000, 99999999)}"


# What citizens bring to a ward's reception desk, by field code (cases.CaseField.code).
MATTERS = {
    "dat-dai": [
        "Đề nghị cấp Giấy chứng nhận quyền sử dụng đất cho thửa đất gia đình sử dụng ổn định từ năm 1992",
        "Tranh chấp ranh giới thửa đất với hộ liền kề",
        "Phản ánh việc lấn chiếm đất công tại ngõ",
    ],
    "giai-phong-mat-bang": [
        "Khiếu nại mức bồi thường, hỗ trợ khi thu hồi đất thực hiện dự án mở rộng đường",
        "Đề nghị bố trí tái định cư cho hộ gia đình bị thu hồi toàn bộ đất ở",
    ],
    "trat-tu-xay-dung": [
        "Phản ánh công trình xây dựng sai phép, vượt tầng gây nứt nhà liền kề",
        "Tố cáo cán bộ địa chính bao che vi phạm trật tự xây dựng",
    ],
    "nha-o": ["Đề nghị giải quyết nhà tập thể xuống cấp, nguy hiểm", "Khiếu nại việc cấp phép sửa chữa nhà ở"],
    "che-do-chinh-sach": [
        "Đề nghị xem xét chế độ người có công với cách mạng",
        "Kiến nghị về việc chi trả trợ cấp xã hội chậm",
    ],
    "tu-phap": ["Đề nghị hướng dẫn thủ tục chứng thực, thừa kế", "Phản ánh việc chậm thi hành án dân sự"],
    "tham-nhung": ["Tố cáo cán bộ phường nhận tiền khi giải quyết hồ sơ đất đai"],
    "dang-vien": ["Tố cáo đảng viên vi phạm quy định những điều đảng viên không được làm"],
    "khac": [
        "Phản ánh tiếng ồn từ cơ sở kinh doanh karaoke về đêm",
        "Kiến nghị sửa chữa hệ thống thoát nước ngõ bị ngập khi mưa",
        "Phản ánh ô nhiễm môi trường do tập kết rác thải",
    ],
}
