"""The one-page dashboard for the head of the unit: a self-contained HTML file.

Everything is inline — styles, charts as SVG drawn here from the data, system fonts only —
so the file opens offline on any computer and prints on one A4 page. The headline figures
are those of `report summary` (same service, same numbers), carried in data-figure
attributes so a test can compare the page with the summary.

The public page (--public) carries no personal data: no names, phones or addresses, and no
free text at all (petition contents can name people), until a redaction scanner exists.
"""

from __future__ import annotations

import datetime as dt
import html

from doithoai import deadlines, reports, settings
from doithoai.statuses import OPEN, DaysOverdue, counted_sql, overdue_sql
from doithoai.text import vn_date, vn_number

NAVY, RED, GREEN, AMBER, GREY, LIGHT = "#1f3a5f", "#b83227", "#2e7d32", "#c77700", "#6b7280", "#e5e7eb"
MONTHS = 12
OLDEST = 7
BARS = 9
MILESTONES = 6
SHORT_MILESTONE = {"notice": "Gửi giấy mời", "review": "Thông báo kết luận", "report": "Báo cáo kết quả"}


def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _pct(share) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


# -- data --------------------------------------------------------------------------------

def on_time_by_month(db, as_of: dt.date, months: int = MONTHS, session_id: int | None = None) -> list[dict]:
    """Written answers per month of the first written answer, and the share on time (for one
    session: from the month it was held)."""
    first = dt.date(as_of.year, as_of.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    held = db.execute("SELECT MIN(date) FROM sessions WHERE ? IS NULL OR id = ?", [session_id, session_id]).fetchone()[0]
    if held:  # no empty months before the first session
        first = min(max(first, dt.date.fromisoformat(held).replace(day=1)), as_of.replace(day=1))
    # Only the answers dated inside the window (index actions_written), each kept when it is
    # its petition's first written answer: the cost follows the window, not the whole history.
    counts = {month: [total, on_time] for month, total, on_time in db.execute(
        f"""SELECT substr(x.doc_date, 1, 7), COUNT(*), SUM(p.due_on IS NULL OR x.doc_date <= p.due_on)
            FROM actions x JOIN petitions p ON p.id = x.petition_id
            WHERE x.kind = 'answer_written' AND x.doc_date >= ? AND x.doc_date <= ? AND {counted_sql("p")}
              AND (? IS NULL OR p.session_id = ?)
              AND NOT EXISTS (SELECT 1 FROM actions y WHERE y.petition_id = x.petition_id AND y.kind = 'answer_written'
                              AND (y.doc_date < x.doc_date OR (y.doc_date = x.doc_date AND y.id < x.id)))
            GROUP BY 1""", [first.isoformat(), as_of.isoformat(), session_id, session_id])}
    out, month = [], first
    while month <= as_of:
        key = month.strftime("%Y-%m")
        total, on_time = counts.get(key, [0, 0])
        out.append({"month": key, "answers": total, "on_time": on_time,
                    "share": round(on_time / total, 3) if total else None})
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def oldest_overdue(db, as_of: dt.date, limit: int = OLDEST) -> list[dict]:
    rows = db.query(
        f"""SELECT p.id, s.code AS session, p.content, a.code AS agency, a.name AS agency_name, p.due_on,
                   f.name AS field
            FROM petitions p JOIN sessions s ON s.id = p.session_id
            LEFT JOIN agencies a ON a.id = p.lead_agency_id LEFT JOIN fields f ON f.id = p.field_id
            WHERE {overdue_sql("p")} ORDER BY p.due_on, p.id LIMIT ?""",
        [as_of.isoformat(), limit])
    late = DaysOverdue(lambda: deadlines.load_calendar(db), as_of)  # every row here is overdue (overdue_sql)
    for r in rows:
        r["days_overdue"] = late.of_due(r["due_on"])
    return rows


def build(db, as_of: dt.date, public: bool = False, session_id: int | None = None) -> dict:
    from doithoai import reminders

    summary = reports.summary(db, as_of, str(session_id) if session_id is not None else None)
    open_count = sum(r["count"] for r in summary["by_status"] if r["status"] in OPEN)
    oldest = oldest_overdue(db, as_of)
    if public:
        for r in oldest:
            r["content"] = None
    return {
        "as_of": as_of.isoformat(),
        "unit": settings.get(db, "unit.name"),
        "public": public,
        "summary": summary,
        "open": open_count,
        "months": on_time_by_month(db, as_of, session_id=session_id),
        "oldest": oldest,
        "milestones": reminders.office_items(db, as_of, within=15)["milestones"],
    }


# -- charts (inline SVG) -------------------------------------------------------------------

def hbar_svg(items: list[tuple[str, int]], *, width: int = 360, color: str = RED, title: str = "",
             label_width: int = 150, row: int = 22) -> str:
    """Horizontal bars, largest first, value at the end of each bar."""
    if not items:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="40" viewBox="0 0 {width} 40" role="img">'
                f'<text x="0" y="24" font-size="13" fill="{GREY}">Không có số liệu</text></svg>')
    top = max(v for _, v in items) or 1
    height = row * len(items) + 6
    bar_room = width - label_width - 48
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{_esc(title)}" font-family="DejaVu Sans, Noto Sans, Arial, sans-serif">']
    for i, (label, value) in enumerate(items):
        y = 3 + i * row
        w = max(2, round(value * bar_room / top)) if value else 0
        parts.append(f'<g data-label="{_esc(label)}" data-value="{value}"><title>{_esc(label)}: {value}</title>'
                     f'<text x="{label_width - 6}" y="{y + row * 0.68:.1f}" font-size="12" text-anchor="end" fill="#1f2937">'
                     f'{_esc(_short(label, max(6, int((label_width - 8) / 7))))}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{w}" height="{row - 8}" rx="2" fill="{color}"/>'
                     f'<text x="{label_width + w + 5}" y="{y + row * 0.68:.1f}" font-size="12" font-weight="bold" '
                     f'fill="#1f2937">{vn_number(value)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(months: list[dict], *, width: int = 360, height: int = 170) -> str:
    """On-time share per month (line, 0–100%) over the number of written answers (grey bars)."""
    left, right, top, bottom = 34, 8, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(months)
    step = plot_w / max(n, 1)
    most = max((m["answers"] for m in months), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="Tỷ lệ trả lời đúng hạn theo tháng" font-family="DejaVu Sans, Noto Sans, Arial, sans-serif">']
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{LIGHT}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{GREY}">{pct}%</text>')
    points = []
    for i, m in enumerate(months):
        cx = left + step * (i + 0.5)
        if m["answers"]:
            h = plot_h * 0.45 * m["answers"] / most
            parts.append(f'<rect x="{cx - step * 0.3:.1f}" y="{top + plot_h - h:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" '
                         f'fill="{LIGHT}"><title>{m["answers"]} văn bản trả lời</title></rect>')
        year, month = m["month"].split("-")
        parts.append(f'<text x="{cx:.1f}" y="{height - 20}" font-size="10" text-anchor="middle" fill="{GREY}">T{int(month)}</text>')
        if month == "01" or (i == 0 and int(month) <= 10):
            parts.append(f'<text x="{cx:.1f}" y="{height - 6}" font-size="10" font-weight="bold" text-anchor="middle" '
                         f'fill="{GREY}">{year}</text>')
        if m["share"] is not None:
            points.append((cx, top + plot_h * (1 - m["share"]), m))
    if points:
        parts.append(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)}" fill="none" '
                     f'stroke="{GREEN}" stroke-width="2.2"/>')
        for x, y, m in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{GREEN}" data-month="{m["month"]}" '
                         f'data-value="{m["share"]}"><title>{m["month"]}: {_pct(m["share"])} đúng hạn '
                         f'({m["on_time"]}/{m["answers"]})</title></circle>')
        x, y, m = points[-1]
        below = len(points) > 1 and points[-2][1] < y  # the line comes down to the point: write under it
        ty = min(y + 15, top + plot_h - 2) if below else max(y - 7, 10)
        parts.append(f'<text x="{min(x, width - right - 14):.1f}" y="{ty:.1f}" font-size="11" font-weight="bold" '
                     f'text-anchor="middle" fill="{GREEN}">{_pct(m["share"])}</text>')
    else:
        parts.append(f'<text x="{left + 8}" y="{top + plot_h / 2:.1f}" font-size="13" fill="{GREY}">'
                     "Chưa có văn bản trả lời trong 12 tháng qua</text>")
    parts.append("</svg>")
    return "".join(parts)


def charts(data: dict) -> dict[str, tuple[str, str]]:
    """The charts by name: (title, svg). Shared by the page and `doc report --charts`."""
    s = data["summary"]
    agencies = sorted(((r["agency"] or "(chưa giao)", r["overdue"] or 0) for r in s["by_agency"] if r["overdue"]),
                      key=lambda x: (-x[1], x[0]))
    if len(agencies) > BARS:
        agencies = [*agencies[:BARS - 1], (f"{len(agencies) - BARS + 1} cơ quan khác", sum(v for _, v in agencies[BARS - 1:]))]
    fields = [(r["field"], r["count"]) for r in s["by_field"]]
    if len(fields) > BARS:
        fields = [*fields[:BARS - 1], (f"{len(fields) - BARS + 1} lĩnh vực khác", sum(v for _, v in fields[BARS - 1:]))]
    return {
        "overdue_by_agency": ("Quá hạn theo cơ quan chủ trì", hbar_svg(agencies, color=RED, title="Quá hạn theo cơ quan chủ trì",
                                                                       label_width=130)),
        "on_time_trend": ("Tỷ lệ trả lời đúng hạn theo tháng", trend_svg(data["months"])),
        "by_field": ("Kiến nghị theo lĩnh vực", hbar_svg(fields, color=NAVY, title="Kiến nghị theo lĩnh vực", label_width=170)),
    }


# -- the page ------------------------------------------------------------------------------

CSS = """
@page { size: A4 portrait; margin: 9mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #f3f4f6; color: #1f2937; font: 13px/1.35 "DejaVu Sans", "Noto Sans", Arial, sans-serif; }
.page { width: 192mm; margin: 12px auto; background: #fff; padding: 7mm 7mm 5mm; }
header { display: flex; justify-content: space-between; align-items: flex-end; border-bottom: 3px solid #1f3a5f;
         padding-bottom: 6px; margin-bottom: 10px; }
header h1 { font-size: 19px; margin: 0; color: #1f3a5f; letter-spacing: .2px; }
header .unit { font-size: 12px; text-transform: uppercase; color: #374151; font-weight: bold; }
header .asof { white-space: nowrap; text-align: right; font-size: 12px; color: #374151; }
.public { display: inline-block; margin-top: 3px; padding: 1px 6px; border: 1px solid #c77700; color: #c77700;
          border-radius: 3px; font-size: 11px; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-bottom: 10px; }
.kpi { border: 1px solid #e5e7eb; border-radius: 6px; padding: 7px 10px; border-top: 4px solid #1f3a5f; }
.kpi .v { font-size: 26px; font-weight: bold; line-height: 1.1; }
.kpi .l { font-size: 11.5px; color: #4b5563; }
.kpi .s { font-size: 11px; color: #6b7280; }
.kpi.bad { border-top-color: #b83227; } .kpi.bad .v { color: #b83227; }
.kpi.good { border-top-color: #2e7d32; } .kpi.good .v { color: #2e7d32; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; margin-bottom: 10px; }
section { border: 1px solid #e5e7eb; border-radius: 6px; padding: 7px 10px; break-inside: avoid; }
section h2 { font-size: 13.5px; margin: 0 0 6px; color: #1f3a5f; }
section h2 small { font-weight: normal; color: #6b7280; font-size: 11px; }
table { width: 100%; border-collapse: collapse; font-size: 11.5px; }
th { text-align: left; color: #4b5563; font-weight: bold; border-bottom: 1px solid #d1d5db; padding: 3px 4px; }
td { border-bottom: 1px solid #f0f1f3; padding: 3px 4px; vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.nw { white-space: nowrap; }
td.txt { max-width: 0; width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ms table { font-size: 11px; } .ms td, .ms th { padding: 3px 3px; }
.more { font-size: 11px; color: #6b7280; margin: 4px 0 0; }
td.late { color: #b83227; font-weight: bold; }
.tag { display: inline-block; padding: 0 5px; border-radius: 3px; font-size: 10.5px; font-weight: bold; }
.tag.missed { background: #fde8e6; color: #b83227; } .tag.soon { background: #fff4e0; color: #9a5b00; }
.empty { color: #6b7280; font-style: italic; margin: 4px 0; }
footer { font-size: 10.5px; color: #6b7280; display: flex; justify-content: space-between; margin-top: 4px; }
svg { display: block; max-width: 100%; height: auto; }
@media print { body { background: #fff; } .page { margin: 0; padding: 0; width: auto; } }
"""


def _kpi(figure: str, value, shown: str, label: str, sub: str = "", cls: str = "") -> str:
    return (f'<div class="kpi {cls}"><div class="v" data-figure="{figure}" data-value="{_esc(value)}">{_esc(shown)}</div>'
            f'<div class="l">{_esc(label)}</div><div class="s">{_esc(sub)}</div></div>')




def render(data: dict) -> str:
    s = data["summary"]
    as_of = dt.date.fromisoformat(data["as_of"])
    public = data["public"]
    chart = charts(data)
    share = s["on_time_share"]
    median = s["median_working_days_to_written_answer"]
    kpis = "".join([
        _kpi("total", s["total"], vn_number(s["total"]), "Tổng số kiến nghị", "đã tiếp nhận"),
        _kpi("open", data["open"], vn_number(data["open"]), "Đang giải quyết", "chưa có văn bản trả lời"),
        _kpi("overdue", s["overdue"], vn_number(s["overdue"]), "Quá hạn chưa trả lời",
             f"{s['overdue'] * 100 // data['open']}% số đang giải quyết" if data["open"] else "", "bad" if s["overdue"] else "good"),
        _kpi("on_time_share", "" if share is None else share, _pct(share), "Trả lời đúng hạn",
             f"{vn_number(s['answered_on_time'])}/{vn_number(s['written_answers'])} văn bản"
             + (f"; trung vị {median:g} ngày LV" if median is not None else ""),
             "good" if share is not None and share >= 0.9 else "bad" if share is not None and share < 0.7 else ""),
    ])
    late_rows = []
    for r in data["oldest"]:
        what = _esc(r["field"] or "") if public else _esc(r["content"] or "")
        late_rows.append(f'<tr data-petition="{r["id"]}"><td class="n">{r["id"]}</td><td class="nw">{_esc(r["agency"] or "(chưa giao)")}</td>'
                         f'<td class="nw">{_esc(r["session"])}</td><td class="txt" title="{what}">{what}</td><td class="n">{vn_date(r["due_on"])}</td>'
                         f'<td class="n late">{r["days_overdue"]}</td></tr>')
    head = ('<tr><th class="n">Số</th><th>Chủ trì</th><th>Cuộc ĐT</th>' + ("<th>Lĩnh vực</th>" if public else "<th>Nội dung</th>")
            + '<th class="n">Hạn</th><th class="n">Quá (ngày LV)</th></tr>')
    oldest = (f"<table>{head}{''.join(late_rows)}</table>" if late_rows else '<p class="empty">Không có kiến nghị quá hạn.</p>')
    missed = [m for m in data["milestones"] if m["missed"]]
    ahead = [m for m in data["milestones"] if not m["missed"]]
    shown = ahead[:MILESTONES]
    shown = sorted(missed, key=lambda m: m["due_on"])[-(MILESTONES - len(shown)):] + shown if len(shown) < MILESTONES else shown
    ms_rows = []
    for m in shown:
        tag = (f'<span class="tag missed">quá {m["days"]} ngày</span>' if m["missed"] else
               f'<span class="tag soon">{"hôm nay" if m["days"] == 0 else "còn " + str(m["days"]) + " ngày"}</span>')
        ms_rows.append(f'<tr><td class="nw">{_esc(m["session"])}</td><td>{_esc(SHORT_MILESTONE[m["milestone"]])}</td>'
                       f'<td class="n">{vn_date(m["due_on"])[:5]}&nbsp;{tag}</td></tr>')
    hidden = len(data["milestones"]) - len(shown)
    milestones = (f"<table><tr><th>Cuộc ĐT</th><th>Việc</th><th class='n'>Hạn</th></tr>{''.join(ms_rows)}</table>"
                  + (f'<p class="more">và {hidden} mốc khác đã quá hạn từ trước.</p>' if hidden else "")
                  if ms_rows else '<p class="empty">Không có mốc nào trong 15 ngày làm việc tới.</p>')
    agencies_overdue = sum(1 for r in s["by_agency"] if r["overdue"])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Theo dõi giải quyết kiến nghị — {_esc(data["unit"])} — {vn_date(as_of)}</title>
<style>{CSS}</style></head>
<body><div class="page">
<header><div><div class="unit">{_esc(data["unit"])}</div><h1>Theo dõi giải quyết kiến nghị của công dân</h1></div>
<div class="asof">Tính đến ngày <b data-figure="as_of" data-value="{data["as_of"]}">{vn_date(as_of)}</b>
{'<br><span class="public">Bản công khai</span>' if public else ''}</div></header>
<div class="kpis">{kpis}</div>
<div class="grid">
<section><h2>{chart["overdue_by_agency"][0]} <small>{agencies_overdue} cơ quan</small></h2>{chart["overdue_by_agency"][1]}</section>
<section><h2>{chart["on_time_trend"][0]} <small>tối đa 12 tháng; cột xám: số văn bản</small></h2>{chart["on_time_trend"][1]}</section>
</div>
<div class="grid">
<section><h2>{chart["by_field"][0]}</h2>{chart["by_field"][1]}</section>
<section class="ms"><h2>Các mốc cuộc đối thoại <small>quá hạn và trong 15 ngày làm việc tới</small></h2>{milestones}</section>
</div>
<section><h2>Kiến nghị quá hạn lâu nhất <small>{vn_number(s["overdue"])} kiến nghị quá hạn</small></h2>{oldest}</section>
<footer><span>{"Bản công khai: không có họ tên, địa chỉ, điện thoại, nội dung kiến nghị. " if public else ""}Quá hạn tính theo ngày làm việc, đã trừ ngày nghỉ, lễ, Tết.</span>
<span>{_esc(data["unit"])}</span></footer>
</div></body></html>
"""


def write(db, as_of: dt.date, path, public: bool = False) -> dict:
    from doithoai.fileio import write_atomic

    data = build(db, as_of, public)
    write_atomic(path, render(data).encode("utf-8"), mode=0o600)
    return data


# -- the same charts as pictures in a Word document ------------------------------------------

CHART_MARK = "Biểu đồ kèm theo báo cáo"


def _browser() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def rasterise(svgs: list[str], scale: int = 2) -> list[bytes]:
    """PNG pictures of SVG charts, drawn by headless Chromium — the engine that shows the
    dashboard, so the pictures match the page (same fonts, same geometry). No Python SVG
    renderer is installed here (cairosvg would need the system's cairo); LibreOffice has no
    SVG→PNG export filter."""
    import re
    import subprocess
    import tempfile
    from pathlib import Path

    from doithoai.errors import DoithoaiError, fix

    browser = _browser()
    if browser is None:
        raise DoithoaiError("Không có trình duyệt Chromium để vẽ biểu đồ thành hình trong văn bản.",
                            fix=fix("doc.charts_need_chromium"))
    pictures = []
    with tempfile.TemporaryDirectory(prefix="doithoai-charts-") as tmp:
        for i, svg in enumerate(svgs):
            size = re.search(r'width="([\d.]+)" height="([\d.]+)"', svg)
            assert size is not None  # every chart this module draws states its size
            width, height = (int(float(x)) for x in size.groups())
            page = Path(tmp) / f"chart{i}.html"
            page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{{margin:0;background:#fff}}'
                            f"svg{{display:block}}</style></head><body>{svg}</body></html>", encoding="utf-8")
            shot = Path(tmp) / f"chart{i}.png"
            try:
                subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                "--hide-scrollbars", f"--user-data-dir={tmp}/profile", f"--force-device-scale-factor={scale}",
                                f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri()],
                               capture_output=True, timeout=120, check=False)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise DoithoaiError(f"Chromium không vẽ được biểu đồ ({type(e).__name__}).",
                                    fix=fix("doc.charts_retry")) from None
            if not shot.is_file():
                raise DoithoaiError("Chromium không vẽ được biểu đồ.", fix=fix("doc.charts_retry"))
            pictures.append(shot.read_bytes())
    return pictures


def chart_pictures(db, as_of: dt.date, session_id: int | None = None) -> list[tuple[str, bytes]]:
    """(title, PNG) for each dashboard chart, scoped to one session when given."""
    data = build(db, as_of, public=True, session_id=session_id)
    items = list(charts(data).values())
    return list(zip([t for t, _ in items], rasterise([svg for _, svg in items])))


def add_charts_to_docx(data: bytes, pictures: list[tuple[str, bytes]]) -> bytes:
    """The document with the charts inserted before its assessment part ("III. …"), or
    before the appendix, or at the end. Already there (the mark paragraph): unchanged."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document(io.BytesIO(data))
    paragraphs = doc.paragraphs
    if any(p.text.strip() == CHART_MARK for p in paragraphs):
        return data
    anchor = next((p for p in paragraphs if p.text.strip().startswith("III.")), None) or \
        next((p for p in paragraphs if p.text.strip().upper().startswith("PHỤ LỤC")), None)

    def paragraph(text: str = "", *, italic=False, bold=False, center=False, picture: bytes | None = None):
        p = doc.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if picture is not None:
            p.add_run().add_picture(io.BytesIO(picture), width=Cm(12.5))
        else:
            run = p.add_run(text)
            run.italic, run.bold = italic, bold
            run.font.name, run.font.size = "Times New Roman", Pt(13)
        if anchor is not None:
            anchor._p.addprevious(p._p)
        return p

    paragraph(CHART_MARK, italic=True)
    for i, (title, png) in enumerate(pictures, start=1):
        paragraph(picture=png, center=True)
        paragraph(f"Biểu đồ {i}. {title}", italic=True, center=True)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def has_charts(path) -> bool:
    import io
    from pathlib import Path

    from docx import Document

    return any(p.text.strip() == CHART_MARK for p in Document(io.BytesIO(Path(path).read_bytes())).paragraphs)


def embed_in_document(db, document: dict, pictures: list[tuple[str, bytes]]) -> bool:
    """Put the charts into a document just issued (or a draft) and keep the register true to
    the file: its sha256 and the issued bytes it keeps. An issued document that is only
    reproduced is left exactly as it was issued. Returns whether the file changed.
    Caller holds the transaction."""
    from pathlib import Path

    from doithoai.db import log_event
    from doithoai.fileio import write_atomic

    if document.get("state") == "reproduced":
        return False
    path = Path(document["path"])
    before = path.read_bytes()
    data = add_charts_to_docx(before, pictures)
    if data == before:
        return False
    sha = write_atomic(path, data, mode=0o600)
    if document.get("id") is not None and document.get("state") in ("issued", "reissued"):
        db.execute("UPDATE documents SET sha256 = ?, content = ? WHERE id = ?", [sha, data, document["id"]])
        log_event(db, "document.charts", "documents", document["id"], None,
                  {"charts": [t for t, _ in pictures], "sha256": sha})
    return True
