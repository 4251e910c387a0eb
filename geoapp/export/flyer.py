"""The residents' flyer: an area's page on one A4 sheet for notice boards, with a QR code to the page."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import segno
from fpdf import FPDF

from geoapp.export.sketch import SAFE_COLOR, Sketch
from geoapp.i18n import _, date, language, ngettext, number
from geoapp.mapview.colors import ColorClass
from geoapp.mapview.residents import (AreaPage, action_words, after_list, due_words, effort_sentences,
                                     invitation_words, period_words, walk_sentences)

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu Sans ships with matplotlib: å, ä, ö, –
MARGIN, WIDTH, HEIGHT = 15.0, 210.0, 297.0
COLUMN = (WIDTH - 2 * MARGIN - 6) / 2
FOOTER_TOP = HEIGHT - MARGIN - 40  # the QR code and the address sit below this line
BLUE = (30, 58, 138)
MAP_HEIGHT = 40.0  # mm at most; the legend beside it is about as high
GAP = 3.0  # the least white space between the body's last line and the footer
ACTION_LINE, ACTION_SIZE, BULLET = 4.4, 9.5, 3.5  # mm, pt, mm of the hanging indent
ACTION_LINES = 6  # the most lines a column of actions takes, so the list stays a glance and the page says the rest
ACTION_WRAP = 2  # the most lines one action takes; a longer one ends in "…"
ACTION_LEAST = 3  # lines of actions the announced dialogues leave at least, when there are more than one
ACTION_TITLE = 6.0  # mm: a column's title (the tertial, "under way")
HEADING_ABOVE, HEADING_BELOW, HEADING_LINE = 2.0, 1.2, 6.5  # mm: above and below a section's rule, its heading
HEADING = HEADING_ABOVE + HEADING_BELOW + HEADING_LINE
# The pointer to the other language is written in that language, for its readers: by the flyer's own language.
OTHER_LANGUAGE_LINE = {"sv": "In English:", "en": "På svenska:"}


def flyer_pdf(page: AreaPage, sketch: Sketch, classes: tuple[ColorClass, ...], labels: dict[str, str], url: str,
              other_url: str, contact: str) -> bytes:
    """Return the one-page A4 PDF of an area's page in the language shown now; `other_url` opens it in the other."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    title = _("Safety in %(area)s", area=page.area_name)
    pdf.set_title(title)
    pdf.set_lang(language())
    pdf.set_creator("geoapp")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.set_text_color(*BLUE)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    latest, earlier = page.periods
    _text(pdf, _("You told us where you feel unsafe. Here is what we found and what we did. The page covers "
                 "%(latest)s and %(earlier)s.", latest=period_words(latest), earlier=period_words(earlier)), 11)
    _heading(pdf, _("What the safety walks found"))
    _columns(pdf, [_found_lines(f, labels) for f in page.findings], [period_words(f.period) for f in page.findings])
    _map(pdf, page, sketch, classes)
    # The actions take the room the sections after them leave above the footer, measured first, so that no number
    # or length of actions pushes the text into the QR code and the address.
    # Many announced dialogues give way to a few lines of actions: the flyer then lists the first and how many more.
    invitations = len(page.invitations)
    while True:
        with pdf.offset_rendering() as trial:
            _after_actions(trial, page, contact, invitations)
            room = FOOTER_TOP - GAP - trial.get_y()
        if invitations <= 1 or _action_lines(room) >= ACTION_LEAST:
            break
        invitations -= 1
    _actions(pdf, page, labels, _action_lines(room))
    _after_actions(pdf, page, contact, invitations)
    _footer(pdf, page, url, other_url)
    return bytes(pdf.output())


def _after_actions(pdf: FPDF, page: AreaPage, contact: str, invitations: int) -> None:
    """Write what the municipality and the police did, how to take part (`invitations` dialogues) and whom to ask."""
    _heading(pdf, _("What the municipality and the police did"))
    _columns(pdf, [effort_sentences(e) for e in page.efforts], [period_words(e.period) for e in page.efforts])
    _text(pdf, _("We show what was done only when at least %(days)s days have passed. We never say where the police "
                 "will be.", days=page.delay_days), 9)
    # How to take part and whom to ask share a row: one under the other, they ran into the footer.
    _heading(pdf, "")
    top = pdf.get_y()
    _take_part(pdf, page, invitations)
    bottom = pdf.get_y()
    pdf.set_xy(MARGIN + COLUMN + 6, top)
    _contact(pdf, contact)
    bottom = max(bottom, pdf.get_y())
    pdf.set_xy(MARGIN, bottom)


def _take_part(pdf: FPDF, page: AreaPage, invitations: int) -> None:
    """Write the first `invitations` dialogues announced and how many more (or that none is), and how to walk along."""
    _column_heading(pdf, _("Take part"))
    if page.invitations:
        _column_text(pdf, _("Come to a citizen dialogue. Tell us what you think about safety where you live."))
        for invitation in page.invitations[:invitations]:
            _column_text(pdf, f"• {invitation_words(invitation)}", bold=True)
        if len(page.invitations) > invitations:
            _column_text(pdf, _("… and %(n)d more", n=len(page.invitations) - invitations), bold=True)
        _column_text(pdf, _("Do you want to join a safety walk? Contact us."))
    else:
        _column_text(pdf, _("No citizen dialogue here has been announced yet. Come back later, or ask us.") + " "
                     + _("Do you want to join a safety walk? Contact us."))


def _contact(pdf: FPDF, contact: str) -> None:
    """Write whom to contact, as the instance's setting says, and the police's numbers."""
    _column_heading(pdf, _("Contact"))
    if contact:
        _column_text(pdf, contact, bold=True)
    _column_text(pdf, _("Call 112 when it is urgent. Call 114 14 to tell the police something."))


def _column_heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(COLUMN, HEADING_LINE, text, new_x="LEFT", new_y="NEXT")


def _column_text(pdf: FPDF, text: str, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", 10)
    pdf.multi_cell(COLUMN, 4.8, text, align="L", new_x="LEFT", new_y="NEXT")


def _action_lines(room: float) -> int:
    """Return how many lines a column of actions may take when the section has `room` mm."""
    return max(1, min(ACTION_LINES, int((room - HEADING - ACTION_TITLE) // ACTION_LINE)))


def _actions(pdf: FPDF, page: AreaPage, labels: dict[str, str], lines: int) -> None:
    """Write what was done in the latest tertial and what is under way in `lines` lines each, and where the rest is."""
    _heading(pdf, _("What was done"))
    # Where the rest is stands on the heading's row, right of it, to leave the lines below to the actions.
    pdf.set_font("DejaVu", "", ACTION_SIZE)
    pointer = _("All actions are on the web page: scan the QR code below.")
    pdf.set_xy(WIDTH - MARGIN - pdf.get_string_width(pointer) - 1, pdf.get_y() - HEADING_LINE)
    pdf.cell(pdf.get_string_width(pointer) + 1, HEADING_LINE, pointer, align="R", new_x="LMARGIN", new_y="NEXT")
    done = [(action_words(a, labels), "") for a in page.done[0]]
    under_way = [(action_words(a, labels), due_words(a)) for a in page.under_way]  # the month is never cut
    columns = [_fit(pdf, items, lines) if items else [(False, line) for line in _wrap(pdf, none, COLUMN - BULLET)]
               for items, none in ((done, _("Nothing was done here then.")),
                                   (under_way, _("Nothing is under way here now.")))]
    top = bottom = pdf.get_y()
    for i, (title, column) in enumerate(zip((period_words(page.periods[0]), _("Under way")), columns)):
        x = MARGIN + i * (COLUMN + 6)
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", 11.5)
        pdf.cell(COLUMN, ACTION_TITLE, title, new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "", ACTION_SIZE)
        for bullet, line in column:
            if bullet:
                pdf.cell(BULLET, ACTION_LINE, "•")
            else:
                pdf.set_x(x + BULLET)
            pdf.cell(COLUMN - BULLET, ACTION_LINE, line, new_x="LEFT", new_y="NEXT")
            pdf.set_x(x)
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(MARGIN, bottom)


def _wrap(pdf: FPDF, text: str, width: float, tail: str = "", most: int = 0) -> list[str]:
    """Break `text` and `tail` into lines of `width`, at most `most` (0: any), the text cut short with "…" to fit."""
    def lines(words: str) -> list[str]:
        return pdf.multi_cell(width, ACTION_LINE, f"{words} {tail}".strip(), dry_run=True, output="LINES")

    whole = lines(text)
    if not most or len(whole) <= most:
        return whole
    short, long = 0, len(text)  # the longest cut of the text that still fits lies in [short, long)
    while long - short > 1:
        middle = (short + long) // 2
        if len(lines(text[:middle].rstrip() + "…")) <= most:
            short = middle
        else:
            long = middle
    return lines(text[:short].rstrip() + "…")


def _fit(pdf: FPDF, items: list[tuple[str, str]], lines: int) -> list[tuple[bool, str]]:
    """Return (starts an item, line) of as many `items` (text, tail) as fit in `lines` lines, then how many more."""
    fitted, shown = _fitted(pdf, items, lines, ACTION_WRAP)
    if shown < len(items) and lines <= 3:  # a short column: one line an action, so that one shows with the count
        fitted, shown = _fitted(pdf, items, lines, 1)
    return fitted


def _fitted(pdf: FPDF, items: list[tuple[str, str]], lines: int, most: int) -> tuple[list[tuple[bool, str]], int]:
    """Return the lines of the first `items` that fit in `lines`, each in at most `most`, and how many they are."""
    wrapped: list[list[str]] = []
    for text, tail in items:  # only as many are broken into lines as may be shown
        wrapped.append(_wrap(pdf, text, COLUMN - BULLET, tail, most))
        more = 1 if len(wrapped) < len(items) else 0
        if sum(len(w) for w in wrapped) + more > lines:
            wrapped.pop()
            break
    fitted = [(i == 0, line) for item in wrapped for i, line in enumerate(item)]
    left = len(items) - len(wrapped)
    if left and wrapped:
        fitted.append((False, _("… and %(n)d more", n=left)))
    elif left:
        fitted.append((False, ngettext("%(n)s action, on the web page", "%(n)s actions, on the web page", left,
                                       n=number(left))))
    return fitted, len(wrapped)


def _text(pdf: FPDF, text: str, size: float, bold: bool = False, width: float = 0) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(width, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    """Draw the rule that opens a section and, unless `text` is empty, its heading."""
    pdf.ln(HEADING_ABOVE)
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y(), WIDTH - MARGIN, pdf.get_y())
    pdf.ln(HEADING_BELOW)
    if text:
        pdf.set_font("DejaVu", "B", 14)
        pdf.cell(0, HEADING_LINE, text, new_x="LMARGIN", new_y="NEXT")


def _found_lines(found, labels: dict[str, str]) -> list[str]:
    lists = [f"• {labels.get(key, key)}: {number(count)}" for key, count in found.categories]
    return [*walk_sentences(found), *lists, *after_list(found)]


def _columns(pdf: FPDF, columns: list[list[str]], titles: list[str]) -> None:
    """Write side by side one column per tertial, each a heading and its lines; continue below the longer one."""
    top, bottom = pdf.get_y(), pdf.get_y()
    for i, (title, lines) in enumerate(zip(titles, columns)):
        x = MARGIN + i * (COLUMN + 6)
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", 11.5)
        pdf.multi_cell(COLUMN, 6, title, new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        for line in lines:
            pdf.multi_cell(COLUMN, 4.8, line, align="L", new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(MARGIN, bottom)


def _map(pdf: FPDF, page: AreaPage, sketch: Sketch, classes: tuple[ColorClass, ...]) -> None:
    """Draw the latest tertial's small map with its legend beside it."""
    top = pdf.get_y() + 2
    width = min(75.0, MAP_HEIGHT * sketch.width / max(sketch.height, 1.0))
    pdf.image(io.BytesIO(sketch.print_svg().encode("utf-8")), x=MARGIN, y=top, w=width)
    x = MARGIN + width + 6
    pdf.set_xy(x, top)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 5, _("Map of %(period)s", period=period_words(page.periods[0])), new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9.5)
    for c in classes:
        _swatch(pdf, c.color, False)
        pdf.cell(0, 4.4, _("%(label)s things noted", label=c.label), new_x="LEFT", new_y="NEXT")
        pdf.set_x(x)
    _swatch(pdf, SAFE_COLOR, True)
    pdf.cell(0, 4.4, _("A place that feels safe"), new_x="LEFT", new_y="NEXT")
    pdf.set_x(x)
    pdf.multi_cell(0, 4.2, _("Each square is %(size)s by %(size)s metres. We show a number only when it is at least "
                             "%(k)s and comes from at least two walks. Then no one can be singled out. The numbers are "
                             "rounded a little up or down.", size=page.published.grid_size, k=page.k),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + width * sketch.height / sketch.width) + 1)


def _swatch(pdf: FPDF, color: str, dashed: bool) -> None:
    rgb = tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    x, y = pdf.get_x(), pdf.get_y() + 0.4
    if dashed:
        pdf.set_draw_color(*rgb)
        pdf.set_line_width(0.5)
        pdf.set_dash_pattern(dash=1, gap=0.7)
        pdf.rect(x, y, 3.6, 3.6)
        pdf.set_dash_pattern()
    else:
        pdf.set_fill_color(*rgb)
        pdf.set_draw_color(124, 45, 18)
        pdf.set_line_width(0.2)
        pdf.rect(x, y, 3.6, 3.6, style="DF")
    pdf.set_x(x + 5.5)


def _footer(pdf: FPDF, page: AreaPage, url: str, other_url: str) -> None:
    """Put the QR code of the page, its address, the other language's address and the date made at the bottom."""
    size = 36.0
    qr = segno.make(url, error="m")
    image = io.BytesIO()
    qr.save(image, kind="png", scale=8, border=2)
    image.seek(0)
    pdf.image(image, x=WIDTH - MARGIN - size, y=HEIGHT - MARGIN - size, w=size, h=size)
    pdf.set_xy(MARGIN, FOOTER_TOP + 6)
    width = WIDTH - 2 * MARGIN - size - 6
    _text(pdf, _("Read more and see the map on your phone:"), 10.5, bold=True, width=width)
    _text(pdf, url, 10.5, width=width)
    pdf.ln(1)
    _text(pdf, f"{OTHER_LANGUAGE_LINE[language()]} {other_url}", 9, width=width)
    pdf.ln(1)
    _text(pdf, _("Made %(date)s.", date=date(page.made)), 9, width=width)

