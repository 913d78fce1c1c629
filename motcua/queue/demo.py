"""The demo hall: a provincial centre with the sectors of shared/domain.md and 12 counters."""
from __future__ import annotations

from sqlalchemy import select

from motcua.core.actors import Role
from motcua.core.uow import UnitOfWork, use_case
from motcua.queue import errors
from motcua.queue.models import Counter, CounterSector, Hall, Sector

DEMO_HALL = "demo"

# code, Vietnamese name, English name, icon, number block start
SECTORS: list[tuple[str, str, str, str, int]] = [
    ("dat-dai", "Đất đai", "Land", "land", 1001),
    ("moi-truong", "Môi trường, Tài nguyên nước, Khoáng sản", "Environment, Water and Minerals",
     "leaf", 2001),
    ("nong-nghiep", "Nông nghiệp", "Agriculture", "farm", 3001),
    ("doanh-nghiep", "Đăng ký doanh nghiệp, Đầu tư", "Business registration and investment",
     "briefcase", 4001),
    ("xay-dung", "Xây dựng, Nhà ở, Quy hoạch", "Construction, Housing and Planning", "building",
     5001),
    ("giao-thong", "Giao thông", "Transport", "car", 6001),
    ("tu-phap", "Tư pháp (Hộ tịch, Lý lịch tư pháp, Chứng thực)",
     "Justice (Civil status, Criminal records, Certification)", "scale", 7001),
    ("lao-dong", "Lao động, Việc làm, Người có công", "Labour, Employment and People with merit",
     "people", 8001),
    ("y-te", "Y tế", "Health", "health", 9001),
    ("giao-duc", "Giáo dục và Đào tạo", "Education and Training", "school", 1),
    ("cong-thuong", "Công Thương", "Industry and Trade", "factory", 1),
    ("van-hoa", "Văn hóa, Thể thao và Du lịch", "Culture, Sports and Tourism", "culture", 1),
    ("khoa-hoc", "Khoa học và Công nghệ", "Science and Technology", "science", 1),
]
PREFIXES = {"giao-duc": "A", "cong-thuong": "B", "van-hoa": "C", "khoa-hoc": "D"}

# counter number → the sectors it serves, in its order of preference
COUNTERS: dict[int, list[str]] = {
    1: ["dat-dai"],
    2: ["dat-dai", "moi-truong"],
    3: ["moi-truong", "nong-nghiep"],
    4: ["doanh-nghiep"],
    5: ["doanh-nghiep", "cong-thuong"],
    6: ["xay-dung"],
    7: ["giao-thong"],
    8: ["tu-phap"],
    9: ["tu-phap", "lao-dong"],
    10: ["lao-dong", "y-te"],
    11: ["giao-duc", "van-hoa", "khoa-hoc"],
    12: ["cong-thuong", "khoa-hoc", "y-te"],
}


# username, role, full name; passwords are generated and printed by `motcua demo`
DEMO_ACCOUNTS: list[tuple[str, Role, str]] = [
    ("admin", Role.ADMIN, "Quản trị hệ thống"),
    ("lanhdao", Role.SUPERVISOR, "Trần Thị Hồng"),
    ("canbo1", Role.OFFICER, "Nguyễn Văn An"),
    ("canbo2", Role.OFFICER, "Lê Thị Bình"),
    ("canbo8", Role.OFFICER, "Phạm Minh Châu"),
]


@use_case
def load_demo_hall(uow: UnitOfWork) -> Hall:
    """Create the demo hall; refuses if it exists, so a real hall is never overwritten."""
    session = uow.session
    if session.scalar(select(Hall).where(Hall.code == DEMO_HALL)) is not None:
        raise errors.Conflict("The demo hall already exists")
    hall = Hall(code=DEMO_HALL, name="Trung tâm Phục vụ hành chính công tỉnh (demo)",
                opening_windows="00:00-24:00", settings={})  # a demo issues at any hour
    session.add(hall)
    sectors: dict[str, Sector] = {}
    for position, (code, vi, en, icon, start) in enumerate(SECTORS):
        prefix = PREFIXES.get(code, "")
        sectors[code] = Sector(hall=hall, code=code, name_vi=vi, name_en=en, icon=icon,
                               prefix=prefix, number_start=start,
                               number_end=start + 998 if not prefix else 999,
                               daily_cap=300, position=position)
        session.add(sectors[code])
    for number, codes in COUNTERS.items():
        counter = Counter(hall=hall, number=number, name=f"Quầy {number}")
        counter.sector_links = [CounterSector(sector=sectors[c], rank=r) for r, c in enumerate(codes)]
        session.add(counter)
    return hall
