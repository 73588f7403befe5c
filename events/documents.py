"""A participant's agenda as files: PDF (reportlab, with the CJK fonts PDF readers bring, so
nothing is embedded or downloaded), iCalendar (icalendar), and the check-in QR code (segno, SVG)."""
from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Event, Participant
from .selectors import AgendaItem


def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111")


def agenda_ics(*, event: Event, participant: Participant, items: list[AgendaItem], base_url: str) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as VEvent

    cal = Calendar()
    cal.add("prodid", "-//SceneBridge//events//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{event.name} · {participant.organization.name}")
    for item in items:
        m = item.meeting
        e = VEvent()
        e.add("uid", f"scenebridge-meeting-{m.pk}@{event.pk}")
        e.add("dtstamp", timezone.now())
        e.add("dtstart", m.slot.start)
        e.add("dtend", m.slot.end)
        e.add("summary", f"{item.other.organization.name}: {item.other.title}")
        e.add("location", f"{event.venue} · " + _("Table %(n)s") % {"n": m.table})
        desc = [_("Your listing: %(title)s") % {"title": item.own.title},
                _("State: %(state)s") % {"state": m.get_state_display()}]
        if item.own_rep:
            desc.append(_("Your representative: %(name)s") % {"name": item.own_rep.name})
        if item.other_rep:
            desc.append(_("You meet: %(name)s") % {"name": item.other_rep.name})
        e.add("description", "\n".join(desc))
        e.add("url", base_url)
        cal.add_component(e)
    return cal.to_ical()


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    lang = (translation.get_language() or "").lower()
    name = "MSung-Light" if lang in ("zh-hant", "zh-tw", "zh-hk") else "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def agenda_pdf(*, event: Event, participant: Participant, items: list[AgendaItem], checkin_url: str) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("s", parent=body, fontSize=8, textColor=colors.grey)

    class Qr(Flowable):
        def __init__(self, url: str, size: float):
            super().__init__()
            self.url, self.size = url, size
            self.width = self.height = size

        def draw(self) -> None:
            widget = QrCodeWidget(self.url)
            x1, y1, x2, y2 = widget.getBounds()
            d = Drawing(self.size, self.size, transform=[self.size / (x2 - x1), 0, 0, self.size / (y2 - y1), 0, 0])
            d.add(widget)
            renderPDF.draw(d, self.canv, 0, 0)

    def esc(text: str) -> str:
        return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{event.name} · {participant.organization.name}")
    story = [Paragraph(esc(event.name), title),
             Paragraph(esc(f"{participant.organization.name} · {event.date.isoformat()} · {event.venue}"), body),
             Spacer(1, 4 * mm)]
    head = [Paragraph(esc(h), body) for h in (_("Time"), _("Table"), _("Meeting with"), _("Your listing"),
                                               _("Representatives"), _("State"))]
    rows = [head]
    for item in items:
        m = item.meeting
        reps = " / ".join(r.name for r in (item.own_rep, item.other_rep) if r)
        rows.append([Paragraph(esc(f"{timezone.localtime(m.slot.start):%H:%M}–{timezone.localtime(m.slot.end):%H:%M}"), body),
                     Paragraph(str(m.table), body),
                     Paragraph(esc(f"{item.other.organization.name}: {item.other.title}"), body),
                     Paragraph(esc(item.own.title), body), Paragraph(esc(reps), body),
                     Paragraph(esc(str(m.get_state_display())), body)])
    if len(rows) == 1:
        rows.append([Paragraph(esc(_("No meeting scheduled yet.")), body), "", "", "", "", ""])
    table = Table(rows, colWidths=[24 * mm, 12 * mm, 52 * mm, 40 * mm, 26 * mm, 26 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.95, 0.98)),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 6 * mm), Paragraph(esc(_("Show this code at the check-in desk.")), small),
              Qr(checkin_url, 32 * mm)]
    doc.build(story)
    return buf.getvalue()
