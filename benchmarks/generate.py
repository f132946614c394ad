"""A province's case base, generated: years of dialogue sessions in a hundred communes,
Vietnamese names, villages and petition texts, realistic shares of fields, sources, statuses,
urgency and overdue petitions. Deterministic for a seed.

    python benchmarks/generate.py /tmp/base-1m.db 1000000

Writes through the real schema (every migration, every trigger), then brings the search index
up to date and runs ANALYZE, as a base that has lived for years would be.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VERSION = 2  # bump when the generated data changes, so that kept bases are rebuilt
AS_OF = dt.date(2026, 11, 27)
FIRST_SESSION = dt.date(2017, 1, 9)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
            "Lò", "Quàng", "Điêu", "Tòng", "Vì", "Giàng", "Sùng", "Thào", "Hạng", "Lường", "Cầm", "Mùa", "Tẩn",
            "Chảo", "Lù", "Đào", "Đinh", "Mai", "Trịnh", "Lương", "Hà", "Nông"]
SURNAME_WEIGHTS = [38, 11, 9, 7, 5, 4, 3, 3, 3, 2, 2, 2, 2, 6, 3, 2, 2, 2, 3, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1,
                   1, 1, 1, 1]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Xuân", "Quang", "Thu", "A", "Seo", "Mí", "Công"]
GIVEN = ["An", "Bình", "Chiến", "Dũng", "Đông", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Ngân", "Phong", "Phương", "Quang", "Sơn", "Tâm", "Thắng", "Thảo", "Thủy",
         "Trang", "Tuấn", "Việt", "Xuân", "Yến", "Páo", "Sính", "Chứ", "Pó", "Dế", "Lử", "Sáng", "Thàng", "Phủ",
         "Đức", "Cường", "Duyên", "Giang", "Hiền", "Huệ", "Kiên", "Lợi", "Nhung", "Oanh", "Quyết", "Tiến", "Vân"]
ORGS = ["Hợp tác xã {}", "Ban quản lý thôn {}", "Chi hội Nông dân bản {}", "Trường Tiểu học {}", "Tổ hợp tác {}"]
PLACES = ["Nà Khương", "Phiêng Lúc", "Nậm Cuổi", "Huổi Luông", "Pá Khôm", "Tà Chải", "Sì Lở Lầu", "Mường Kim",
          "Bản Hon", "Hua Bum", "Nậm Tăm", "Khoen On", "Tả Lèng", "Bình Lư", "Nà Tăm", "Phúc Than", "Ma Quai",
          "Thèn Sin", "Dào San", "Mù Sang", "Vàng Ma Chải", "Hồ Thầu", "Nậm Xe", "Pa Vệ Sử", "Tông Qua Lìn",
          "Làng Mô", "Nùng Nàng", "Lản Nhì Thàng", "Tà Mung", "Pắc Ta"]
DISTRICTS = ["Tam Đường", "Than Uyên", "Tân Uyên", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Nậm Nhùn", "Lai Châu"]
AGENCY_KINDS = ["Phòng Tài nguyên và Môi trường", "Phòng Nông nghiệp và Môi trường", "Phòng Kinh tế, Hạ tầng và Đô thị",
                "Phòng Văn hóa - Xã hội", "Phòng Y tế", "Phòng Giáo dục và Đào tạo", "Ban Quản lý dự án",
                "Trung tâm Phát triển quỹ đất", "Bảo hiểm xã hội", "Công an", "Điện lực", "UBND xã"]

# (field code, weight, petition texts: {place}, {n}, {year} are filled in)
TEXTS = {
    "dat-dai": (25, [
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho các hộ gia đình tại bản {place}, hồ sơ đã nộp từ năm {year} nhưng đến nay chưa được giải quyết.",
        "Phản ánh việc lấn chiếm đất công, đất hành lang đường tại khu vực {place}; đề nghị kiểm tra, xử lý dứt điểm.",
        "Tranh chấp ranh giới thửa đất số {n} giữa hai hộ ở {place} đã hòa giải ở cơ sở không thành, đề nghị xem xét giải quyết.",
        "Đề nghị điều chỉnh quy hoạch sử dụng đất để nhân dân bản {place} được chuyển mục đích sang đất ở.",
    ]),
    "thu-hoi-dat": (12, [
        "Đề nghị xem xét lại đơn giá bồi thường, hỗ trợ khi thu hồi đất làm dự án tại {place}; mức bồi thường thấp hơn giá thị trường.",
        "Công tác giải phóng mặt bằng dự án đường {place} kéo dài, các hộ chưa nhận được tiền bồi thường, hỗ trợ tái định cư.",
        "Đề nghị bố trí đất tái định cư cho {n} hộ bị thu hồi đất sản xuất ở bản {place}.",
    ]),
    "chinh-sach-xa-hoi": (15, [
        "Đề nghị xem xét lại việc bình xét hộ nghèo, hộ cận nghèo năm {year} tại bản {place} cho công khai, đúng đối tượng.",
        "Gia đình có công với cách mạng ở {place} chưa được hưởng trợ cấp ưu đãi theo quy định, đề nghị giải quyết.",
        "Đề nghị hỗ trợ nhà ở cho hộ nghèo, người cao tuổi neo đơn tại bản {place}.",
        "Chậm chi trả trợ cấp xã hội hằng tháng cho người khuyết tật ở {place}, đề nghị kiểm tra.",
    ]),
    "giao-thong-ha-tang": (12, [
        "Tuyến đường liên bản từ {place} đi trung tâm xã bị sạt lở sau mưa lũ, đi lại khó khăn, đề nghị sửa chữa.",
        "Đề nghị đầu tư xây dựng cầu treo qua suối {place} để học sinh đi học an toàn trong mùa mưa.",
        "Đường bê tông nội bản {place} mới làm năm {year} đã hư hỏng, đề nghị kiểm tra chất lượng công trình.",
    ]),
    "dien-nuoc": (10, [
        "Bản {place} còn {n} hộ chưa có điện lưới quốc gia, đề nghị đầu tư kéo điện.",
        "Công trình nước sinh hoạt tập trung bản {place} hỏng từ năm {year}, nhân dân thiếu nước sinh hoạt mùa khô.",
        "Điện áp yếu, mất điện thường xuyên tại khu vực {place}, đề nghị ngành điện khắc phục.",
    ]),
    "nong-lam-nghiep": (6, [
        "Đề nghị chi trả tiền dịch vụ môi trường rừng năm {year} cho các hộ nhận khoán bảo vệ rừng ở {place}.",
        "Giống lúa, ngô hỗ trợ cho bản {place} kém chất lượng, năng suất thấp, đề nghị kiểm tra.",
        "Dịch tả lợn châu Phi tại {place}, đề nghị hỗ trợ kinh phí tiêu hủy và tái đàn.",
    ]),
    "giao-duc": (5, [
        "Điểm trường bản {place} xuống cấp, thiếu phòng học, đề nghị đầu tư sửa chữa.",
        "Đề nghị giải quyết chế độ hỗ trợ tiền ăn, ở cho học sinh bán trú ở {place} còn chậm.",
    ]),
    "y-te": (5, [
        "Đề nghị cấp thẻ bảo hiểm y tế cho người dân bản {place} còn thiếu, có {n} trường hợp chưa được cấp thẻ BHYT.",
        "Trạm y tế xã thiếu thuốc và bác sĩ, nhân dân {place} khám chữa bệnh khó khăn.",
    ]),
    "cai-cach-hanh-chinh": (4, [
        "Thủ tục hành chính về đất đai ở bộ phận một cửa còn rườm rà, hẹn trả kết quả nhiều lần; đề nghị cải cách.",
        "Đề nghị hướng dẫn nhân dân {place} nộp hồ sơ trực tuyến trên Cổng dịch vụ công.",
    ]),
    "an-ninh-trat-tu": (3, [
        "Tình trạng trộm cắp vặt, đánh bạc tại {place} diễn biến phức tạp, đề nghị công an xã tăng cường tuần tra.",
        "Xe tải chở quá tải gây hư hỏng đường và mất an toàn giao thông qua {place}.",
    ]),
    "van-hoa-xa-hoi": (3, [
        "Đề nghị hỗ trợ xây dựng nhà văn hóa bản {place}.",
        "Đề nghị quan tâm bảo tồn lễ hội truyền thống của đồng bào ở {place}.",
    ]),
}
ANSWERS = [
    "Đã kiểm tra thực tế, hồ sơ đủ điều kiện; UBND huyện đã chỉ đạo giải quyết trong quý {q}.",
    "Nội dung kiến nghị không có cơ sở; đã giải thích cho công dân theo quy định.",
    "Đã bố trí kinh phí sửa chữa trong kế hoạch năm {year}.",
    "Đã chuyển hồ sơ đến cơ quan có thẩm quyền và thông báo cho công dân.",
    "Đã chi trả đầy đủ cho các hộ trong tháng {m}/{year}.",
]
CONCLUSIONS = [
    "Giao phòng chuyên môn kiểm tra, báo cáo trước ngày {d}.",
    "Đồng chí Chủ tịch kết luận: giải quyết dứt điểm, trả lời công dân đúng hạn.",
    "Yêu cầu UBND xã phối hợp rà soát và công khai kết quả.",
]
SOURCES = [("phieu-dang-ky", 55), ("tai-hoi-nghi", 20), ("mttq", 12), ("doan-the", 6), ("dai-bieu", 5), ("thong-tin", 2)]
URGENCY = [("thuong", 85), ("cap-thiet", 12), ("khan", 3)]


def _chooser(rng: random.Random, items: list, weights: list):
    cum = list(itertools.accumulate(weights))
    total = cum[-1]
    return lambda: items[bisect.bisect(cum, rng.random() * total)]


def person(rng: random.Random, surname) -> str:
    if rng.random() < 0.03:
        return rng.choice(ORGS).format(rng.choice(PLACES))
    return f"{surname()} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def build(path: Path, petitions: int, seed: int = 7, quiet: bool = False) -> dt.date:
    """Create the base at `path` (replaced if present). Returns its as-of date."""
    from doithoai import reports, search
    from doithoai.base import open_base
    from doithoai.db import transaction
    from doithoai.deadlines import session_milestones
    from doithoai.text import fold

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()

    def say(what: str) -> None:
        if not quiet:
            print(f"  [{time.perf_counter() - t0:6.1f} s] {what}", flush=True)

    db = open_base(path)
    conn = db.conn
    conn.execute("PRAGMA cache_size = -200000")
    rng = random.Random(seed)
    surname = _chooser(rng, SURNAMES, SURNAME_WEIGHTS)
    source = _chooser(rng, [s for s, _ in SOURCES], [w for _, w in SOURCES])
    urgency = _chooser(rng, [u for u, _ in URGENCY], [w for _, w in URGENCY])
    field_ids = {code: fid for fid, code in conn.execute("SELECT id, code FROM fields")}
    field_codes = list(TEXTS)
    field = _chooser(rng, field_codes, [TEXTS[c][0] for c in field_codes])

    # One transaction through the tool's own helper: the rows it writes are sealed (integrity),
    # as rows written by doithoai are.
    tx = transaction(db)
    tx.__enter__()
    conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('unit.name', 'Ủy ban nhân dân tỉnh Lai Châu')")
    n_agencies = max(20, min(200, petitions // 5000))
    agencies = []
    for i in range(n_agencies):
        kind = AGENCY_KINDS[i % len(AGENCY_KINDS)]
        name = f"{kind} {DISTRICTS[i % len(DISTRICTS)]}" if kind != "UBND xã" else f"UBND xã {PLACES[i % len(PLACES)]} {i}"
        agencies.append((f"CQ{i:03d}", name, fold(name)))
    conn.executemany("INSERT INTO agencies (code, name, name_fold) VALUES (?,?,?)", agencies)
    agency = _chooser(rng, list(range(1, n_agencies + 1)), [1 / (i + 1) ** 0.8 for i in range(n_agencies)])

    n_sessions = max(10, petitions // 200)
    span = (AS_OF - FIRST_SESSION).days
    sessions, milestones = [], {}
    for i in range(n_sessions):
        day = FIRST_SESSION + dt.timedelta(days=int(i * span / n_sessions))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        if day not in milestones:
            milestones[day] = session_milestones(db, day)
        m = milestones[day]
        commune = f"{PLACES[i % len(PLACES)]} ({DISTRICTS[i % len(DISTRICTS)]})"
        sessions.append((f"DT{day:%Y}-{i:05d}", f"Đối thoại với nhân dân xã {commune}", commune, day.isoformat(),
                         "held" if (AS_OF - day).days < 400 else "reviewed", m["notice_by"], m["review_by"],
                         m["answer_due"], m["complex_answer_due"], "2026-01-01T00:00:00+00:00"))
    conn.executemany("INSERT INTO sessions (code, title, commune, date, status, notice_by, review_by, answer_due, "
                     "complex_answer_due, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", sessions)
    say(f"{n_agencies} agencies, {n_sessions} sessions")

    n_people = max(1, petitions // 3)

    def people():
        for _ in range(n_people):
            name = person(rng, surname)
            phone = f"0{rng.choice('389753')}{rng.randrange(10**8):08d}" if rng.random() < 0.7 else ""
            address = f"Bản {rng.choice(PLACES)}, xã {rng.choice(PLACES)}, huyện {rng.choice(DISTRICTS)}"
            yield name, fold(name), int(name.split()[0] in ("Hợp", "Ban", "Chi", "Trường", "Tổ")), address, phone

    conn.executemany("INSERT INTO petitioners (name, name_fold, is_organisation, address, phone) VALUES (?,?,?,?,?)",
                     people())
    say(f"{n_people:,} petitioners")

    per_session = petitions // n_sessions
    extra = petitions - per_session * n_sessions
    petition_rows, assignments, actions = [], [], []
    pid = 0
    now = "2026-01-01T00:00:00+00:00"
    for sid, s in enumerate(sessions, start=1):
        day = dt.date.fromisoformat(s[3])
        age = (AS_OF - day).days
        due_simple, due_complex = s[7], s[8]
        for k in range(per_session + (1 if sid <= extra else 0)):
            pid += 1
            code = field()
            place = rng.choice(PLACES)
            content = rng.choice(TEXTS[code][1]).format(place=place, n=rng.randint(2, 60), year=day.year - rng.randint(0, 5))
            if age < 25:
                status = rng.choice(["new", "new", "assigned", "assigned", "assigned", "answered"])
            elif age < 150:
                status = rng.choice(["assigned", "answered", "answered", "answered", "closed", "transferred"])
            else:
                status = "assigned" if rng.random() < 0.008 else \
                    rng.choice(["closed", "closed", "closed", "answered", "transferred", "escalated"])
            complex_ = int(rng.random() < 0.08)
            due = due_complex if complex_ else due_simple
            lead = agency() if status != "new" else None
            registered = (day - dt.timedelta(days=rng.randint(1, 20))).isoformat()
            conclusion = rng.choice(CONCLUSIONS).format(d=f"{rng.randint(1, 28):02d}/{day.month:02d}/{day.year}") \
                if rng.random() < 0.3 else ""
            petition_rows.append((pid, sid, rng.randrange(1, n_people + 1), f"g{pid}", f"{k + 1:03d}" if k % 3 else "",
                                  content, fold(content), field_ids[code], urgency(), source(), registered,
                                  int(rng.random() < 0.2), status, complex_, "Cần xác minh thực địa" if complex_ else "",
                                  conclusion, lead, due, now))
            if lead:
                assignments.append((pid, lead, "lead", due, "Thường: 15 ngày làm việc kể từ ngày đối thoại", s[3]))
                if rng.random() < 0.25:
                    assignments.append((pid, agency(), "support", due, "Phối hợp", s[3]))
            if status in ("answered", "closed"):
                late = rng.random() < 0.15
                doc_date = dt.date.fromisoformat(due) + dt.timedelta(days=rng.randint(1, 40) if late else -rng.randint(0, 15))
                doc_date = max(doc_date, day)
                text = rng.choice(ANSWERS).format(q=rng.randint(1, 4), year=doc_date.year, m=doc_date.month)
                actions.append((pid, "answer_written", doc_date.isoformat(), lead, "", f"{rng.randint(10, 999)}/UBND-TNMT",
                                doc_date.isoformat(), text, int(rng.random() < 0.7), now))
                if status == "closed":
                    actions.append((pid, "close", doc_date.isoformat(), None, "", "", None, "", None, now))
            elif status == "transferred":
                actions.append((pid, "transfer", due, None, "Tòa án nhân dân huyện", "", None, "", None, now))
        if len(petition_rows) >= 20000 or sid == len(sessions):
            conn.executemany(
                "INSERT INTO petitions (id, session_id, petitioner_id, stable_key, form_no, content, content_fold, "
                "field_id, urgency, source, registered_on, speak, status, complex, complex_reason, conclusion, "
                "lead_agency_id, due_on, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", petition_rows)
            conn.executemany("INSERT INTO assignments (petition_id, agency_id, role, due_on, due_rule, assigned_on) "
                             "VALUES (?,?,?,?,?,?)", assignments)
            conn.executemany("INSERT INTO actions (petition_id, kind, on_date, agency_id, to_body, doc_number, doc_date, "
                             "summary, resolved, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", actions)
            petition_rows, assignments, actions = [], [], []
    tx.__exit__(None, None, None)
    say(f"{pid:,} petitions with their assignments and actions")
    search.catch_up(db)
    say("search index up to date")
    reports.answer_days(db)
    say("answer tallies up to date")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    say("analysed")
    return AS_OF


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("petitions", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    build(args.path, args.petitions, args.seed)


if __name__ == "__main__":
    main()
