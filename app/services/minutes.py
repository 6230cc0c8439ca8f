"""The minutes of the jury's decision (*berita acara penetapan hasil penilaian*): one PDF
with the convention, the date and place, the method, the ranking down to ``top_n`` (each
category's with awards per category), the entries disqualified (with the reason), the
objections and how each was decided, and every juror's name by panel with a line to sign.

``render`` is pure (``Minutes`` in, PDF bytes out); ``minutes`` gathers the data from the
published results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import AwardScope, Category, ObjectionStatus, Role
from app.models import Account, Convention, Entry, Objection, Opd, Panel, Result
from app.printable import drawable
from app.services.certificate_pdf import FONT_DIR
from app.services.dates import JAKARTA, MONTHS, long_date
from app.services.results import get_result
from scoring import Method

CATEGORY_NAMES = {
    "teknologi": "Inovasi Teknologi",
    "produk": "Inovasi Produk",
    "proses": "Inovasi Proses",
    "sdm": "Inovasi SDM",
    "metode": "Inovasi Metode",
    "konseptual": "Inovasi Konseptual",
    "hubungan": "Inovasi Hubungan",
}


@dataclass(frozen=True, slots=True)
class Line:
    rank: int
    title: str
    opd_code: str
    score: float | None
    award: str | None


@dataclass(frozen=True, slots=True)
class Minutes:
    convention_name: str
    host: str | None
    city: str | None
    day: date
    method: str
    final: bool
    top_n: int
    # (heading or None, lines): one section overall, or one per category.
    sections: list[tuple[str | None, list[Line]]]
    # (panel name, juror full names)
    jurors: list[tuple[str, list[str]]]
    # (entry, OPD code, reason): the entries left out of the results.
    disqualified: tuple[tuple[str, str, str], ...] = ()
    # (receipt, entry, decision, resolution): the objections to these results. The objector's
    # name and contact are never printed.
    objections: tuple[tuple[str, str, str, str], ...] = ()


DECISIONS = {
    ObjectionStatus.OPEN: "belum diputus",
    ObjectionStatus.UPHELD: "diterima",
    ObjectionStatus.DISMISSED: "ditolak",
}


indonesian_day = long_date


def _award_name(convention: Convention, rank: int, top_n: int) -> str:
    names = list(convention.award_names or [])
    return names[rank - 1] if rank <= len(names) else f"Top {top_n}"


def _lines(rows: list[dict[str, Any]], key: str, convention: Convention, top_n: int) -> list[Line]:
    out = []
    for row in rows:
        rank = row.get(key)
        if rank is None or rank > top_n:
            continue
        out.append(
            Line(
                rank,
                row.get("acronym") or row["title"],
                row["opd_code"],
                row["score"],
                _award_name(convention, rank, top_n) if row["awarded"] else None,
            )
        )
    return sorted(out, key=lambda line: (line.rank, line.title))


def minutes(session: Session, convention: Convention) -> Minutes:
    """The minutes of the published results (404 until published)."""
    result: Result = get_result(session, convention.id)
    rows = result.rows
    per_category = result.rubric.get("award_scope") == AwardScope.PER_CATEGORY
    sections: list[tuple[str | None, list[Line]]]
    if per_category:
        sections = []
        for category in Category:
            mine = [r for r in rows if r.get("category") == category]
            if mine:
                sections.append(
                    (
                        CATEGORY_NAMES[category],
                        _lines(mine, "category_rank", convention, result.top_n),
                    )
                )
    else:
        sections = [(None, _lines(rows, "rank", convention, result.top_n))]
    panels = session.execute(
        select(Panel.id, Panel.name).where(Panel.convention_id == convention.id).order_by(Panel.id)
    ).all()
    jurors = session.execute(
        select(Account.panel_id, Account.full_name)
        .where(Account.convention_id == convention.id, Account.role == Role.JUROR)
        .order_by(Account.panel_id, Account.id)
    ).all()
    by_panel = [(name, [n for p, n in jurors if p == panel_id]) for panel_id, name in panels]
    day = convention.ceremony_date or result.published_at.astimezone(JAKARTA).date()
    entry_name = func.coalesce(Entry.acronym, Entry.title)
    disqualified = session.execute(
        select(entry_name, Opd.code, Entry.disqualification_reason)
        .join(Opd, Opd.id == Entry.opd_id)
        .where(Entry.convention_id == convention.id, Entry.disqualified)
        .order_by(Entry.id)
    ).all()
    objections = session.execute(
        select(Objection.receipt, entry_name, Objection.status, Objection.resolution)
        .join(Entry, Entry.id == Objection.entry_id)
        .where(
            Objection.convention_id == convention.id,
            Objection.status != ObjectionStatus.VOID,
        )
        .order_by(Objection.id)
    ).all()
    return Minutes(
        convention_name=convention.name,
        host=convention.host,
        city=convention.city,
        day=day,
        method=result.method,
        final=result.status == "final",
        top_n=result.top_n,
        sections=sections,
        jurors=[(name, names) for name, names in by_panel if names],
        disqualified=tuple((title, code, reason or "") for title, code, reason in disqualified),
        objections=tuple(
            (receipt, title, DECISIONS[ObjectionStatus(status)], resolution or "")
            for receipt, title, status, resolution in objections
        ),
    )


def _drawn(text: str) -> str:
    """Free text as the fonts can draw it: line breaks kept, other control and invisible
    characters as a space, what the fonts lack as "?". Names and titles are refused on input
    instead; a reason or a resolution is never on a piagam, so it is not."""
    can = drawable()
    out = []
    for c in text:
        if c == "\n" or (c.isprintable() and ord(c) in can):
            out.append(c)
        else:
            out.append("?" if c.isprintable() else " ")
    return "".join(out)


def _table(pdf: FPDF, heading: str, columns: dict[str, float], rows: list[tuple[str, ...]]) -> None:
    """A heading and a table whose cells wrap (a reason, a resolution)."""
    pdf.set_font("Serif", "B", 11)
    pdf.cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Sans", "", 9)
    pdf.set_fill_color(255, 255, 255)  # fpdf2 fills the first row with the last fill colour
    with pdf.table(
        col_widths=tuple(columns.values()),
        width=sum(columns.values()),
        text_align="LEFT",
        line_height=5,
        headings_style=FontFace(fill_color=(221, 229, 240)),
    ) as table:
        table.row(list(columns))
        for row in rows:
            table.row([_drawn(text) for text in row])
    pdf.ln(3)


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Sans", size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"Halaman {self.page_no()}/{{nb}}", align="C")


def render(data: Minutes) -> bytes:
    pdf = _Document(orientation="P", unit="mm", format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font("Sans", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("Serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Serif", "B", 14)
    pdf.cell(width, 7, "BERITA ACARA", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(width, 7, "PENETAPAN HASIL PENILAIAN", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(width, 6, data.convention_name.upper(), align="C")
    pdf.ln(4)
    pdf.set_font("Serif", "", 11)
    place = data.city or (data.host or "")
    opening = (
        f"Pada hari ini, {indonesian_day(data.day)}"
        + (f", bertempat di {place}" if place else "")
        + f", Dewan Juri {data.convention_name} telah menetapkan hasil penilaian inovasi "
        f"dengan metode {Method(data.method).label} ({data.method}), sebagai berikut:"
    )
    pdf.multi_cell(width, 6, opening)
    if not data.final:
        pdf.set_font("Serif", "B", 10)
        pdf.multi_cell(width, 5, "Hasil ini masih SEMENTARA (masa sanggah belum berakhir).")
    pdf.ln(3)
    columns = [
        ("Peringkat", 22.0),
        ("Inovasi", width - 22 - 34 - 22 - 30),
        ("OPD", 34.0),
        ("Nilai", 22.0),
        ("Penghargaan", 30.0),
    ]
    for heading, lines in data.sections:
        if heading:
            pdf.set_font("Serif", "B", 11)
            pdf.cell(width, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Sans", "", 9)
        pdf.set_fill_color(221, 229, 240)
        for name, w in columns:
            pdf.cell(w, 6, name, border=1, fill=True, align="C")
        pdf.ln()
        for line in lines:
            score = "" if line.score is None else f"{line.score:.2f}"
            cells = (str(line.rank), line.title, line.opd_code, score, line.award or "")
            for (_name, w), text in zip(columns, cells, strict=True):
                pdf.cell(w, 6, text, border=1, align="R" if text == score and score else "L")
            pdf.ln()
        if not lines:
            pdf.cell(width, 6, "(tidak ada)", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    if data.disqualified:
        left_out = {"Inovasi": width - 34 - 70, "OPD": 34.0, "Alasan": 70.0}
        _table(pdf, "Inovasi yang didiskualifikasi", left_out, list(data.disqualified))
    if data.objections:
        # A receipt on one line even at its widest (12 x "W", 37.7 mm in Sans 9).
        decided = {
            "Tanda terima": 42.0,
            "Inovasi": width - 42 - 26 - 52,
            "Keputusan": 26.0,
            "Pertimbangan": 52.0,
        }
        _table(pdf, "Sanggahan", decided, list(data.objections))
    pdf.set_font("Serif", "", 11)
    pdf.multi_cell(
        width, 6, "Demikian berita acara ini dibuat untuk dipergunakan sebagaimana mestinya."
    )
    pdf.ln(2)
    pdf.cell(
        width,
        6,
        f"{place + ', ' if place else ''}{data.day.day} {MONTHS[data.day.month - 1]} "
        f"{data.day.year}",
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("Serif", "B", 11)
    pdf.cell(width, 7, "DEWAN JURI", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for panel, names in data.jurors:
        pdf.set_font("Serif", "B", 10)
        pdf.cell(width, 7, f"Panel {panel}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Serif", "", 10)
        for number, name in enumerate(names, start=1):
            pdf.cell(width * 0.55, 9, f"{number}. {name}")
            pdf.cell(width * 0.45, 9, "(" + "." * 40 + ")", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def file_name(convention: Convention) -> str:
    return f"berita-acara-{convention.id}.pdf"
