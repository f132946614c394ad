"""The built-in sample case: the 2023 Khoen On dialogue of the source plan (Huyện ủy Than Uyên).

Everything goes through the same services a clerk's commands use, so the demo is also a
smoke test of the whole lifecycle.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from doithoai import agencies, petition_actions, petitions, sessions, settings
from doithoai.base import open_base
from doithoai.db import transaction

SESSION_DATE = dt.date(2023, 9, 14)  # Thursday; 2/9 falls on Saturday that year
AS_OF = dt.date(2023, 10, 20)  # the day the demo "is" by default: some answers late, some overdue

UNIT = {
    "unit.name": "Huyện ủy Than Uyên", "unit.level": "huyen", "unit.superior": "ĐẢNG BỘ TỈNH LAI CHÂU",
    "unit.escalate_to": "Tỉnh ủy Lai Châu", "doc.term_start": "2020-08-01",
    "unit.place": "Than Uyên", "unit.symbol": "HU", "unit.style": "party",
    "unit.signer_on_behalf": "T/M BAN THƯỜNG VỤ", "unit.signer_title": "PHÓ BÍ THƯ",
    "unit.signer_name": "Lê Thị Kim Ngân",
}

AGENCIES = [
    ("VPHU", "Văn phòng Huyện ủy", "cơ quan Đảng", ""),
    ("VPUB", "Văn phòng HĐND - UBND huyện", "chính quyền", "vp hdnd-ubnd"),
    ("TNMT", "Phòng Tài nguyên và Môi trường", "chuyên môn", "tn&mt,tai nguyen"),
    ("LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "chuyên môn", "ld-tb&xh,ldtbxh"),
    ("NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn", "chuyên môn", "nn&ptnt,nong nghiep"),
    ("KTHT", "Phòng Kinh tế - Hạ tầng", "chuyên môn", "kt-ht,ha tang"),
    ("GDDT", "Phòng Giáo dục và Đào tạo", "chuyên môn", "gd&dt"),
    ("YTE", "Phòng Y tế", "chuyên môn", "y te"),
    ("NV", "Phòng Nội vụ", "chuyên môn", "noi vu"),
    ("CAH", "Công an huyện", "lực lượng vũ trang", "cong an"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng huyện", "sự nghiệp", "ban qlda"),
    ("DLTU", "Điện lực Than Uyên", "doanh nghiệp", "dien luc"),
    ("UBXA", "UBND xã Khoen On", "chính quyền cấp xã", "ubnd xa"),
]

# (name, village, phone, source, field, content, speak)
PETITIONS = [
    ("Lò Văn Thắng", "Bản Nà Khương", "0977123456", "phieu-dang-ky", "dat-dai",
     "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho diện tích đất ở gia đình đã sử dụng ổn định từ năm 1995.", True),
    ("Hoàng Thị Mai", "Bản Phiêng Lúc", "0912345678", "phieu-dang-ky", "thu-hoi-dat",
     "Tiền bồi thường, hỗ trợ khi thu hồi đất làm đường nội đồng chưa được chi trả đủ.", True),
    ("Lường Văn Pọm", "Bản Khoen", "0388123456", "mttq", "giao-thong-ha-tang",
     "Đường vào bản Khoen bị sạt lở sau mưa lũ, đề nghị sớm khắc phục để bà con đi lại.", True),
    ("Tòng Thị Xuân", "Bản Lướt", "0356789012", "doan-the", "chinh-sach-xa-hoi",
     "Gia đình thuộc hộ nghèo nhưng chưa được hỗ trợ nhà ở theo chương trình.", True),
    ("Vì Văn Hặc", "Bản Mì", "", "phieu-dang-ky", "dien-nuoc",
     "Nước sinh hoạt tập trung của bản Mì thường xuyên bị mất vào mùa khô.", True),
    ("Lò Thị Hương", "Bản Phát", "0987654321", "dai-bieu", "giao-duc",
     "Đề nghị xây thêm phòng học cho điểm trường mầm non bản Phát.", False),
    ("Quàng Văn Ươn", "Bản Nà Khương", "0868111222", "phieu-dang-ky", "nong-lam-nghiep",
     "Đề nghị hỗ trợ giống lúa sau đợt lũ làm mất trắng vụ mùa.", True),
    ("Điêu Chính Tâm", "Bản Khoen", "0977888999", "mttq", "dat-dai",
     "Tranh chấp ranh giới đất nương với hộ liền kề chưa được xã hòa giải dứt điểm.", False),
    ("Lò Văn Biên", "Bản Ta Gia", "0911222333", "phieu-dang-ky", "cai-cach-hanh-chinh",
     "Thủ tục đăng ký biến động đất đai tại bộ phận một cửa kéo dài quá hạn.", True),
    ("Hà Thị Nhung", "Bản Lướt", "0966333444", "thong-tin", "y-te",
     "Trạm y tế xã thiếu thuốc điều trị cho người có thẻ bảo hiểm y tế.", False),
    ("Lường Thị Pấng", "Bản Mì", "0355666777", "phieu-dang-ky", "chinh-sach-xa-hoi",
     "Chế độ trợ cấp cho người cao tuổi trên 80 tuổi chưa được chi trả từ tháng 6.", True),
    ("Tòng Văn Khiêm", "Bản Phiêng Lúc", "0394555666", "doan-the", "an-ninh-trat-tu",
     "Tình trạng thanh thiếu niên tụ tập, phóng nhanh vượt ẩu trên quốc lộ 32.", False),
    ("Hợp tác xã Nông nghiệp Khoen On", "Bản Khoen", "02133789456", "phieu-dang-ky", "nong-lam-nghiep",
     "Đề nghị hỗ trợ vốn vay phát triển vùng chè theo nghị quyết của tỉnh.", True),
    ("Lò Văn Chiến", "Bản Nà Khương", "0979000111", "mttq", "thu-hoi-dat",
     "Diện tích đất bị ảnh hưởng khi thi công thủy điện chưa được kiểm đếm lại.", False),
    ("Vì Thị Thoa", "Bản Phát", "0916777888", "phieu-dang-ky", "giao-thong-ha-tang",
     "Cầu treo bản Phát xuống cấp, không an toàn cho học sinh qua lại.", True),
    ("Lò Văn Sương", "Bản Ta Gia", "0988222111", "dai-bieu", "dien-nuoc",
     "Điện áp cuối nguồn yếu, đề nghị lắp thêm trạm biến áp cho bản Ta Gia.", False),
    ("Hoàng Văn Quý", "Bản Lướt", "0345999000", "phieu-dang-ky", "dat-dai",
     "Đề nghị cho phép chuyển mục đích sử dụng đất vườn sang đất ở.", False),
    ("Lường Văn Hoan", "Bản Khoen", "", "tai-hoi-nghi", "van-hoa-xa-hoi",
     "Nhà văn hóa bản Khoen đã xuống cấp, đề nghị hỗ trợ sửa chữa.", False),
    ("Tòng Thị Đào", "Bản Mì", "0862444555", "phieu-dang-ky", "giao-duc",
     "Học sinh bán trú chưa được nhận đủ gạo hỗ trợ học kỳ II.", True),
    ("Lò Văn Pánh", "Bản Phiêng Lúc", "0973333222", "mttq", "nong-lam-nghiep",
     "Tiền chi trả dịch vụ môi trường rừng năm 2022 chưa được chi trả cho bản.", False),
    ("Quàng Thị Lả", "Bản Nà Khương", "0914111000", "tai-hoi-nghi", "chinh-sach-xa-hoi",
     "Đề nghị xem xét cấp thẻ bảo hiểm y tế cho con em hộ cận nghèo.", False),
    ("Điêu Văn Thành", "Bản Ta Gia", "0981555444", "phieu-dang-ky", "cai-cach-hanh-chinh",
     "Đề nghị hướng dẫn làm thủ tục cấp đổi căn cước công dân tại xã.", False),
    ("Vì Văn Lai", "Bản Phát", "0357222333", "thong-tin", "an-ninh-trat-tu",
     "Có người lạ vào bản vận động tham gia tổ chức tôn giáo trái phép.", False),
    ("Lò Thị Nga", "Bản Lướt", "0869777666", "phieu-dang-ky", "y-te",
     "Đề nghị tổ chức khám sàng lọc bệnh cho người cao tuổi tại bản.", False),
    ("Hà Văn Tuấn", "Bản Khoen", "0398666555", "phieu-dang-ky", "thu-hoi-dat",
     "Giá bồi thường cây cối, hoa màu khi thu hồi đất làm kè suối thấp hơn thực tế.", True),
    ("Lường Văn Ơn", "Bản Mì", "0971444333", "doan-the", "giao-thong-ha-tang",
     "Đề nghị bê tông hóa tuyến đường từ bản Mì đến khu sản xuất.", False),
    ("Tòng Văn Hùng", "Bản Nà Khương", "0919888777", "phieu-dang-ky", "dat-dai",
     "Đất rừng được giao đã lâu nhưng chưa có bản đồ giao đất rõ ràng.", False),
    ("Lò Văn Hòa", "Bản Ta Gia", "0333555777", "dai-bieu", "khac",
     "Đề nghị lắp đặt hệ thống loa truyền thanh không dây cho bản Ta Gia.", False),
    ("Vì Thị Hiền", "Bản Phát", "0865888999", "phieu-dang-ky", "chinh-sach-xa-hoi",
     "Gia đình có người khuyết tật nặng chưa được xét hưởng trợ cấp hằng tháng.", True),
    ("Hoàng Văn Dũng", "Bản Phiêng Lúc", "0976000999", "mttq", "dat-dai",
     "Đề nghị kiểm tra việc một số hộ lấn chiếm hành lang an toàn giao thông.", False),
]

FIELD_AGENCY = {
    "dat-dai": "TNMT", "thu-hoi-dat": "BQLDA", "giao-thong-ha-tang": "KTHT", "chinh-sach-xa-hoi": "LDTBXH",
    "dien-nuoc": "DLTU", "giao-duc": "GDDT", "nong-lam-nghiep": "NNPTNT", "cai-cach-hanh-chinh": "UBXA",
    "y-te": "YTE", "an-ninh-trat-tu": "CAH", "van-hoa-xa-hoi": "UBXA", "khac": "VPUB",
}


def build(directory: Path) -> Path:
    """Create the demo database in `directory` and return its path. Refuses an existing one."""
    from doithoai.fileio import make_private_dir

    make_private_dir(directory)
    path = directory / "doithoai.db"
    if path.exists():
        from doithoai.errors import DoithoaiError, fix

        raise DoithoaiError(f"Đã có {path}; bản mẫu không ghi đè dữ liệu.",
                            fix=fix("demo.other_dir"))
    db = open_base(path)
    d = SESSION_DATE
    with transaction(db):
        for key, value in UNIT.items():
            settings.set_value(db, key, value)
        for code, name, kind, aliases in AGENCIES:
            agencies.add(db, code, name, kind=kind, aliases=aliases)
        s = sessions.create(db, commune="xã Khoen On", date=d, time="08:00", location="Hội trường UBND xã Khoen On",
                            chair="Bí thư Huyện ủy, Chủ tịch UBND huyện", secretary="Văn phòng Huyện ủy",
                            chair_name="Lò Văn Cường", chair_position="Bí thư Huyện ủy, Chủ tịch UBND huyện",
                            secretary_name="Hoàng Thị Hạnh", secretary_position="Chuyên viên Văn phòng Huyện ủy",
                            officials="Lê Thị Kim Ngân, Phó Bí thư Thường trực Huyện ủy; Tòng Văn Hải, Trưởng Ban Dân vận "
                                      "Huyện ủy; Vì Thị Lan, Chủ tịch Ủy ban MTTQ Việt Nam huyện; lãnh đạo các phòng, "
                                      "ban, đơn vị của huyện; Thường trực Đảng ủy, HĐND, UBND xã Khoen On",
                            citizens_present=112, end_time="11:15",
                            title="Tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền huyện với Nhân dân xã Khoen On năm 2023",
                            code="2023-KHOENON")
        registered = dt.date(2023, 9, 5)
        sessions.advance(db, s["code"], "notice_sent", dt.date(2023, 9, 1), d)
        ids = []
        for i, (name, village, phone, source, field, content, speak) in enumerate(PETITIONS, start=1):
            p = petitions.add(db, d if source == "tai-hoi-nghi" else registered, session=s["code"], name=name, address=f"{village}, xã Khoen On",
                              phone=phone, organisation=name.startswith("Hợp tác xã"), source=source, field=field, content=content,
                              urgency="cap-thiet" if i % 7 == 0 else "thuong", speak=speak,
                              form_no=f"PDK-{i:03d}" if source == "phieu-dang-ky" else "",
                              registered_on=d if source == "tai-hoi-nghi" else registered)
            ids.append(p["id"])
        sessions.advance(db, s["code"], "held", d, d)
        sessions.conclude(db, s["code"], "Ghi nhận các ý kiến, kiến nghị của Nhân dân; giao các cơ quan, đơn vị trả lời "
                          "bằng văn bản trong thời hạn quy định; Văn phòng Huyện ủy theo dõi, đôn đốc.")
        # At the meeting: some answered on the spot, the rest assigned for a written answer.
        for pid in ids[:6]:
            petition_actions.answer(db, d, pid, written=False, resolved=pid in ids[:4],
                                    summary="Lãnh đạo cơ quan chuyên môn giải thích chính sách và hướng dẫn thủ tục tại hội nghị.")
        for i, pid in enumerate(ids[4:], start=4):
            field = PETITIONS[i][4]
            complex_ = field in ("thu-hoi-dat",) or i == 7
            petition_actions.assign(db, d, pid, FIELD_AGENCY[field], support=["UBXA"] if FIELD_AGENCY[field] != "UBXA" else [],
                                    complex_=complex_, reason="Cần kiểm đếm, xác minh hồ sơ thực địa" if complex_ else "")
            petition_actions.conclude(db, d, pid, text=f"Giao {FIELD_AGENCY[field]} chủ trì xem xét, trả lời bằng văn bản.")
        sessions.advance(db, s["code"], "reviewed", dt.date(2023, 9, 20), dt.date(2023, 9, 20))
        # After: written answers, mostly on time, a few late; one transfer, one escalation.
        written = {4: (dt.date(2023, 9, 28), True), 5: (dt.date(2023, 10, 3), True), 6: (dt.date(2023, 10, 4), True),
                   8: (dt.date(2023, 10, 5), True), 9: (dt.date(2023, 10, 10), False), 10: (dt.date(2023, 10, 2), True),
                   11: (dt.date(2023, 10, 12), True), 14: (dt.date(2023, 10, 16), True), 15: (dt.date(2023, 9, 29), True),
                   18: (dt.date(2023, 10, 5), True), 21: (dt.date(2023, 9, 27), True), 23: (dt.date(2023, 10, 4), True)}
        for i, (on, resolved) in written.items():
            petition_actions.answer(db, on, ids[i], written=True, doc_number=f"{100 + i}/UBND-{FIELD_AGENCY[PETITIONS[i][4]]}",
                                    doc_date=on, resolved=resolved,
                                    summary="Cơ quan đã kiểm tra, trả lời bằng văn bản cho công dân và UBND xã.")
        petition_actions.transfer(db, dt.date(2023, 9, 22), ids[19], to="Công ty Thủy điện Huội Quảng - Bản Chát",
                                  doc_number="215-CV/HU", doc_date=dt.date(2023, 9, 22))
        petition_actions.notify(db, dt.date(2023, 9, 25), ids[19], who="petitioner")
        petition_actions.escalate(db, dt.date(2023, 9, 26), ids[22], to="Tỉnh ủy Lai Châu", doc_number="220-BC/HU",
                                  doc_date=dt.date(2023, 9, 26), reason="Vượt thẩm quyền của huyện (tôn giáo, an ninh).")
        for i in (4, 5, 6):
            petition_actions.close(db, dt.date(2023, 10, 16), ids[i], note="Công dân đồng ý với nội dung trả lời.")
    db.conn.close()
    return path
