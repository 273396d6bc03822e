"""A corpus of user-edited workbooks: a freshly built workbook plus ONE user addition, injected
the way Excel stores it -- hand-written XML parts, relationships and content types spliced into
the zip (never through openpyxl, which would rewrite the package).

Each kind is ``kind(book) -> Expect``: it edits the :class:`Book` and says what must survive a
refresh: the user's own parts (found automatically: new or changed parts the refresh does not
own), elements the user added inside parts the refresh rewrites (compared in canonical XML),
and cells (a formula or a value) that must read the same afterwards.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ooxml_check import WORKSHEET_ORDER

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# One 1x1 red PNG (what a pasted logo is, minus the pixels).
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154"
                    "08d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


@dataclass
class Expect:
    """What a refresh must keep of one user addition."""

    #: ``(part, xpath)``: elements the user put inside a part the refresh rewrites.
    elements: list[tuple[str, str]] = field(default_factory=list)
    #: ``(sheet title, cell, formula text)`` cells that must still hold that formula.
    formulas: list[tuple[str, str, str]] = field(default_factory=list)
    #: The sheet holding the event returns table after the edit (renamed, moved).
    events_sheet: str | None = None


class Book:
    """The parts of a package, in order, editable as text."""

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}

    @classmethod
    def load(cls, path: Path) -> "Book":
        return cls(Path(path).read_bytes())

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return path

    def text(self, part: str) -> str:
        return self.parts[part].decode("utf-8")

    def put(self, part: str, text: str | bytes) -> None:
        self.parts[part] = text.encode("utf-8") if isinstance(text, str) else text

    def add(self, part: str, data: str | bytes, content_type: str | None = None) -> None:
        self.put(part, data)
        if content_type:
            types = self.text("[Content_Types].xml")
            self.put("[Content_Types].xml", types.replace(
                "</Types>", f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'))

    def rel(self, source: str, rel_type: str, target: str, external: bool = False) -> str:
        folder, _, name = source.rpartition("/")
        rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
        text = self.text(rels) if rels in self.parts else (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
        taken = set(re.findall(r'Id="([^"]+)"', text))
        n = 1000 + len(taken)
        while f"rId{n}" in taken:
            n += 1
        mode = ' TargetMode="External"' if external else ""
        text = text.replace("</Relationships>",
                            f'<Relationship Id="rId{n}" Type="{rel_type}" Target="{target}"{mode}/></Relationships>')
        self.put(rels, text)
        return f"rId{n}"

    # --- workbook and sheets ----------------------------------------------------------------

    def sheets(self) -> list[tuple[str, str]]:
        """``(title, part)`` in workbook order."""
        rels = etree.fromstring(self.parts["xl/_rels/workbook.xml.rels"])
        by_id = {r.get("Id"): r.get("Target") for r in rels}
        by_id = {k: v.lstrip("/") if v.startswith("/") else "xl/" + v for k, v in by_id.items()}
        wb = etree.fromstring(self.parts["xl/workbook.xml"])
        return [(s.get("name"), by_id[s.get(f"{{{R_NS}}}id")]) for s in wb.iter(f"{{{MAIN_NS}}}sheet")]

    def sheet(self, title: str) -> str:
        return dict(self.sheets())[title]

    def insert_in_sheet(self, part: str, snippet: str) -> None:
        """Put a worksheet child where CT_Worksheet wants it (before the first later child)."""
        tag = re.match(r"<([\w:]+)", snippet).group(1).split(":")[-1]
        text = self.text(part)
        rank = WORKSHEET_ORDER.index(tag)
        for later in WORKSHEET_ORDER[rank + 1:]:
            m = re.search(rf"<{later}[ >/]", text)
            if m:
                self.put(part, text[:m.start()] + snippet + text[m.start():])
                return
        self.put(part, text.replace("</worksheet>", snippet + "</worksheet>"))

    def drawing(self, sheet_part: str) -> str:
        """The sheet's drawing part (made, related and referenced if it has none)."""
        folder, _, name = sheet_part.rpartition("/")
        rels = f"{folder}/_rels/{name}.rels"
        if rels in self.parts:
            for target in re.findall(r'Type="[^"]*/drawing" Target="([^"]+)"', self.text(rels)):
                return target.lstrip("/")
            for target in re.findall(r'Target="([^"]+)"[^>]*Type="[^"]*/drawing"', self.text(rels)):
                return target.lstrip("/")
        n = 100 + len([p for p in self.parts if p.startswith("xl/drawings/drawing")])
        part = f"xl/drawings/drawing{n}.xml"
        self.add(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr='
                 '"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a='
                 '"http://schemas.openxmlformats.org/drawingml/2006/main"></xdr:wsDr>', CT_DRAWING)
        rid = self.rel(sheet_part, REL + "drawing", f"/{part}")
        self.insert_in_sheet(sheet_part, f'<drawing xmlns:r="{R_NS}" r:id="{rid}"/>')
        return part

    def add_anchor(self, drawing: str, body: str) -> None:
        """Append a two-cell anchor with ``body`` (a graphicFrame, pic or sp) to a drawing."""
        text = self.text(drawing)
        prefix = "xdr:" if "<xdr:wsDr" in text else ""
        ns = ' xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"' if not prefix else ""
        anchor = (f'<xdr:twoCellAnchor{ns}><xdr:from><xdr:col>16</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>30'
                  '</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>22</xdr:col><xdr:colOff>0'
                  '</xdr:colOff><xdr:row>45</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
                  f'{body}<xdr:clientData/></xdr:twoCellAnchor>')
        close = f"</{prefix}wsDr>"
        self.put(drawing, text.replace(close, anchor + close))

    def edit_table(self, name: str, old: str, new: str) -> None:
        """Replace ``old`` by ``new`` in the part of table ``name`` (as the user's edit in Excel)."""
        for part in [p for p in self.parts if p.startswith("xl/tables/")]:
            if f'displayName="{name}"'.encode() in self.parts[part]:
                self.put(part, self.text(part).replace(old, new))

    def set_cell(self, part: str, ref: str, xml: str) -> None:
        """Replace or add the ``<c r=ref>`` element of a sheet (its row must exist or is made)."""
        text = self.text(part)
        row = int(re.search(r"\d+", ref).group())
        existing = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', text)
        if existing:
            text = text[:existing.start()] + xml + text[existing.end():]
        else:
            m = re.search(rf'<row r="{row}"[^>]*?(/?)>', text)
            if m and m.group(1):  # an empty self-closed row
                text = text[:m.start()] + m.group()[:-2] + ">" + xml + "</row>" + text[m.end():]
            elif m:
                end = text.index("</row>", m.end())
                text = text[:end] + xml + text[end:]  # the user's cells are right of the table here
            else:
                rows = [(int(r.group(1)), r.start()) for r in re.finditer(r'<row r="(\d+)"', text)]
                after = [start for r, start in rows if r > row]
                at = after[0] if after else text.index("</sheetData>")
                text = text[:at] + f'<row r="{row}">{xml}</row>' + text[at:]
        self.put(part, text)


def _chart_xml(title: str, formula: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<c:roundedCorners val="0"/><c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>'
            f'{title}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>'
            '<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/><c:lineChart><c:grouping val="standard"/>'
            '<c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/><c:val><c:numRef>'
            f'<c:f>{formula}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="3"/>'
            '<c:pt idx="0"><c:v>1</c:v></c:pt><c:pt idx="1"><c:v>2</c:v></c:pt><c:pt idx="2"><c:v>3</c:v></c:pt>'
            '</c:numCache></c:numRef></c:val><c:smooth val="0"/></c:ser><c:marker val="1"/>'
            '<c:axId val="500"/><c:axId val="501"/></c:lineChart><c:catAx><c:axId val="500"/><c:scaling>'
            '<c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:crossAx val="501"/>'
            '</c:catAx><c:valAx><c:axId val="501"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
            '<c:delete val="0"/><c:axPos val="l"/><c:crossAx val="500"/></c:valAx></c:plotArea>'
            '<c:plotVisOnly val="1"/></c:chart></c:chartSpace>')


def _frame(rid: str, name: str) -> str:
    return ('<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="900" name="' + name + '"/>'
            '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off xmlns:a="http://schemas.'
            'openxmlformats.org/drawingml/2006/main" x="0" y="0"/><a:ext xmlns:a="http://schemas.openxmlformats.'
            'org/drawingml/2006/main" cx="0" cy="0"/></xdr:xfrm><a:graphic xmlns:a="http://schemas.openxmlformats.'
            'org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            '<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.'
            f'openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}"/></a:graphicData></a:graphic>'
            '</xdr:graphicFrame>')


# --- the kinds -------------------------------------------------------------------------------------


def own_chart_on_owned_sheet(book: Book, events: str) -> Expect:
    part = book.sheet(events)
    drawing = book.drawing(part)
    book.add("xl/charts/chart900.xml", _chart_xml("내 차트", f"'{events}'!$C$6:$C$8"), CT_CHART)
    rid = book.rel(drawing, REL + "chart", "/xl/charts/chart900.xml")
    book.add_anchor(drawing, _frame(rid, "My chart"))
    return Expect()


def own_chart_on_own_sheet(book: Book, events: str) -> Expect:
    part = "xl/worksheets/sheet900.xml"
    book.add(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{R_NS}"><sheetData/></worksheet>', CT_SHEET)
    rid = book.rel("xl/workbook.xml", REL + "worksheet", "worksheets/sheet900.xml")
    wb = book.text("xl/workbook.xml")
    book.put("xl/workbook.xml", wb.replace("</sheets>", f'<sheet xmlns:r="{R_NS}" name="내 차트" sheetId="900" '
                                                        f'r:id="{rid}"/></sheets>'))
    drawing = book.drawing(part)
    book.add("xl/charts/chart901.xml", _chart_xml("수익률 추이", f"'{events}'!$C$6:$C$8"), CT_CHART)
    crid = book.rel(drawing, REL + "chart", "/xl/charts/chart901.xml")
    book.add_anchor(drawing, _frame(crid, "Own sheet chart"))
    return Expect(elements=[("xl/workbook.xml", "//m:sheet[@name='내 차트']")])


def own_chart_sheet(book: Book, events: str) -> Expect:
    """A chart moved to a sheet of its own (a chartsheet, as Excel's "Move Chart > New sheet")."""
    part = "xl/chartsheets/sheet900.xml"
    book.add("xl/charts/chart902.xml", _chart_xml("내 차트 시트", f"'{events}'!$D$6:$D$8"), CT_CHART)
    book.add("xl/drawings/drawing900.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:absoluteAnchor><xdr:pos x="0" '
             'y="0"/><xdr:ext cx="8666000" cy="6293000"/>' + _frame("rId1", "Chart sheet chart") +
             '<xdr:clientData/></xdr:absoluteAnchor></xdr:wsDr>', CT_DRAWING)
    book.rel("xl/drawings/drawing900.xml", REL + "chart", "../charts/chart902.xml")
    book.put("xl/drawings/_rels/drawing900.xml.rels", book.text("xl/drawings/_rels/drawing900.xml.rels")
             .replace('Id="rId1000"', 'Id="rId1"'))
    book.add(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<chartsheet xmlns="{MAIN_NS}" xmlns:r="{R_NS}"><sheetPr/><sheetViews><sheetView zoomScale="100" '
             'workbookViewId="0"/></sheetViews><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
             'header="0.3" footer="0.3"/><drawing r:id="rId1"/></chartsheet>',
             "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml")
    book.rel(part, REL + "drawing", "../drawings/drawing900.xml")
    book.put("xl/chartsheets/_rels/sheet900.xml.rels", book.text("xl/chartsheets/_rels/sheet900.xml.rels")
             .replace('Id="rId1000"', 'Id="rId1"'))
    rid = book.rel("xl/workbook.xml", REL + "chartsheet", "chartsheets/sheet900.xml")
    wb = book.text("xl/workbook.xml")
    book.put("xl/workbook.xml", wb.replace("</sheets>", f'<sheet xmlns:r="{R_NS}" name="차트1" sheetId="902" '
                                                        f'r:id="{rid}"/></sheets>'))
    return Expect(elements=[("xl/workbook.xml", "//m:sheet[@name='차트1']")])


def picture(book: Book, events: str) -> Expect:
    settings = [t for t, _ in book.sheets() if t in ("설정", "Settings")][0]
    drawing = book.drawing(book.sheet(settings))
    book.add("xl/media/image900.png", PNG)
    types = book.text("[Content_Types].xml")
    if 'Extension="png"' not in types:
        book.put("[Content_Types].xml", types.replace("<Default ", '<Default Extension="png" ContentType="image/png"/>'
                                                      "<Default ", 1))
    rid = book.rel(drawing, REL + "image", "../media/image900.png")
    book.add_anchor(drawing, '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="901" name="Logo"/><xdr:cNvPicPr>'
                    '<a:picLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/>'
                    '</xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip xmlns:a="http://schemas.openxmlformats.org/'
                    f'drawingml/2006/main" xmlns:r="{R_NS}" r:embed="{rid}"/><a:stretch xmlns:a="http://schemas.'
                    'openxmlformats.org/drawingml/2006/main"><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr>'
                    '<a:prstGeom xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" prst="rect">'
                    '<a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>')
    return Expect()


def text_box(book: Book, events: str) -> Expect:
    drawing = book.drawing(book.sheet(events))
    book.add_anchor(drawing, '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="902" name="TextBox 1"/>'
                    '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:prstGeom xmlns:a="http://schemas.'
                    'openxmlformats.org/drawingml/2006/main" prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
                    '<xdr:txBody><a:bodyPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"/>'
                    '<a:p xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:r><a:t>엔비디아 비중 유지'
                    '</a:t></a:r></a:p></xdr:txBody></xdr:sp>')
    return Expect()


def _vml(book: Book, sheet_part: str) -> str:
    folder, _, name = sheet_part.rpartition("/")
    rels = book.text(f"{folder}/_rels/{name}.rels")
    m = re.search(r'Target="([^"]+\.vml)"', rels)
    return m.group(1).lstrip("/")


def _add_vml_shape(book: Book, sheet_part: str, shape: str) -> Expect:
    """Append VML (a note's or a Form button's shape) to the sheet's legacy drawing, as Excel does:
    a sheet has one VML part for its buttons and its notes."""
    vml = _vml(book, sheet_part)
    book.put(vml, book.text(vml).replace("</xml>", shape + "</xml>"))
    return Expect()


def legacy_comment(book: Book, events: str) -> Expect:
    part = book.sheet(events)
    book.add("xl/comments900.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<comments xmlns="{MAIN_NS}"><authors><author>analyst</author></authors><commentList>'
             '<comment ref="P2" authorId="0"><text><r><t>check the beta</t></r></text></comment>'
             '</commentList></comments>', "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml")
    book.rel(part, REL + "comments", "../comments900.xml")
    return _add_vml_shape(book, part, '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
             '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
             '<v:shape id="_x0000_s3001" type="#_x0000_t202" style=\'position:absolute;margin-left:600pt;'
             'margin-top:10pt;width:100pt;height:50pt;z-index:9;visibility:hidden\' fillcolor="#ffffe1" '
             'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:textbox/><x:ClientData ObjectType="Note">'
             '<x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill><x:Row>1</x:Row>'
             '<x:Column>15</x:Column></x:ClientData></v:shape>')


def threaded_comment(book: Book, events: str) -> Expect:
    legacy_comment(book, events)
    part = book.sheet(events)
    ns = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
    book.add("xl/threadedComments/threadedComment900.xml", '<?xml version="1.0" encoding="UTF-8" '
             f'standalone="yes"?>\n<ThreadedComments xmlns="{ns}"><threadedComment ref="P2" '
             'dT="2026-11-30T09:00:00.00" personId="{00000000-0000-0000-0000-000000000001}" '
             'id="{00000000-0000-0000-0000-000000000002}"><text>check the beta</text></threadedComment>'
             '</ThreadedComments>', "application/vnd.ms-excel.threadedcomments+xml")
    book.rel(part, "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
             "../threadedComments/threadedComment900.xml")
    book.add("xl/persons/person.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<personList xmlns="{ns}"><person displayName="analyst" '
             'id="{00000000-0000-0000-0000-000000000001}" userId="analyst" providerId="None"/></personList>',
             "application/vnd.ms-excel.person+xml")
    book.rel("xl/workbook.xml", "http://schemas.microsoft.com/office/2017/10/relationships/person",
             "persons/person.xml")
    return Expect()


def hyperlink(book: Book, events: str) -> Expect:
    part = book.sheet(events)
    rid = book.rel(part, REL + "hyperlink", "https://example.com/research", external=True)
    book.set_cell(part, "P2", '<c r="P2" t="inlineStr"><is><t>research</t></is></c>')
    book.insert_in_sheet(part, f'<hyperlinks><hyperlink xmlns:r="{R_NS}" ref="P2" r:id="{rid}"/></hyperlinks>')
    return Expect(elements=[(part, "//m:hyperlinks"), (part, "//m:c[@r='P2']")])


def _ext(book: Book, events: str, uri: str, body: str) -> Expect:
    """Add an x14 extension (``<ext uri>`` in the sheet's ``extLst``) to the events sheet."""
    part = book.sheet(events)
    ext = (f'<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
           f'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" uri="{uri}">{body}</ext>')
    text = book.text(part)
    if "<extLst>" in text:
        book.put(part, text.replace("</extLst>", ext + "</extLst>"))
    else:
        book.insert_in_sheet(part, f"<extLst>{ext}</extLst>")
    return Expect(elements=[(part, "//m:extLst")])


#: x14 extensions as Excel writes them: (uri, body with ``{events}`` for the sheet name).
X14 = {
    "x14_data_validation": ("{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}",
                            '<x14:dataValidations count="1"><x14:dataValidation type="list" allowBlank="1" '
                            'showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>\'{events}\'!$A$6:$A$10'
                            '</xm:f></x14:formula1><xm:sqref>P3</xm:sqref></x14:dataValidation></x14:dataValidations>'),
    "x14_conditional_format": ("{78C0D931-6437-407d-A8EE-F0AAD7539E65}",
                               '<x14:conditionalFormattings><x14:conditionalFormatting><x14:cfRule type="dataBar" '
                               'id="{{00000000-000E-0000-0000-000001000000}}"><x14:dataBar minLength="0" '
                               'maxLength="100"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/></x14:dataBar>'
                               '</x14:cfRule><xm:sqref>J6:J28</xm:sqref></x14:conditionalFormatting>'
                               '</x14:conditionalFormattings>'),
    "sparklines": ("{05C60535-1F16-4fd2-B633-F4F36F0B64E0}",
                   '<x14:sparklineGroups><x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries '
                   'rgb="FF376092"/><x14:sparklines><x14:sparkline><xm:f>\'{events}\'!C6:F6</xm:f><xm:sqref>P6'
                   '</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups>'),
}


def x14_data_validation(book: Book, events: str) -> Expect:
    uri, body = X14["x14_data_validation"]
    return _ext(book, events, uri, body.format(events=events))


def x14_conditional_format(book: Book, events: str) -> Expect:
    uri, body = X14["x14_conditional_format"]
    return _ext(book, events, uri, body.format(events=events))


def sparklines(book: Book, events: str) -> Expect:
    uri, body = X14["sparklines"]
    return _ext(book, events, uri, body.format(events=events))


def defined_name(book: Book, events: str) -> Expect:
    wb = book.text("xl/workbook.xml")
    book.put("xl/workbook.xml", wb.replace("<definedNames>", f"<definedNames><definedName name=\"my_top3\">"
                                                             f"'{events}'!$C$6:$C$8</definedName>"))
    return Expect(elements=[("xl/workbook.xml", "//m:definedName[@name='my_top3']")])


def sheet_protection(book: Book, events: str) -> Expect:
    part = book.sheet(events)
    book.insert_in_sheet(part, '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0"/>')
    return Expect(elements=[(part, "//m:sheetProtection")])


USER_MODULE = 'Attribute VB_Name = "MyTools"\r\nSub SayHello()\r\n    MsgBox "hello from my module"\r\nEnd Sub\r\n'


def vba_module(book: Book, events: str) -> Expect:
    import tempfile

    from pyopenvba import ExcelFile

    with tempfile.TemporaryDirectory() as folder:
        path = book.save(Path(folder) / "book.xlsm")
        with ExcelFile(path) as excel:
            project = excel.vba_project()
            project.add_module("MyTools", USER_MODULE)
            excel.set_module("ThisWorkbook", 'Private Sub Workbook_Open()\r\n    Application.StatusBar = "opened"'
                             '\r\nEnd Sub\r\n')
            excel.save()
        book.parts = Book.load(path).parts
    return Expect()


def form_button(book: Book, events: str) -> Expect:
    part = book.sheet(events)
    return _add_vml_shape(book, part, '<v:shape id="MyButton" o:spid="_x0000_s3100" type="#_x0000_t201" style=\'position:absolute;'
             'margin-left:700pt;margin-top:20pt;width:80pt;height:20pt;z-index:20\' o:button="t" '
             'fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto"><v:fill '
             'color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/><v:textbox>'
             '<div style=\'text-align:center\'><font face="Calibri" size="200" color="#000000">Hello</font></div>'
             '</v:textbox><x:ClientData ObjectType="Button"><x:Anchor>20, 0, 1, 0, 22, 0, 2, 0</x:Anchor>'
             '<x:FmlaMacro>[0]!SayHello</x:FmlaMacro><x:TextHAlign>Center</x:TextHAlign></x:ClientData></v:shape>')


def own_formula_row(book: Book, events: str) -> Expect:
    part = book.sheet(events)
    book.set_cell(part, "A100", '<c r="A100"><f>SUM(C6:C8)</f><v>0</v></c>')
    book.set_cell(part, "B100", '<c r="B100" t="inlineStr"><is><t>=not a formula, my text</t></is></c>')
    return Expect(elements=[(part, "//m:c[@r='A100']"), (part, "//m:c[@r='B100']")],
                  formulas=[(events, "A100", "SUM(C6:C8)")])


def own_formula_column(book: Book, events: str) -> Expect:
    from shockbook.workbook import layout as L

    beside = L.column_letter(L.block("sb_event_returns")[1].owned()[3] + 1)  # right of the table
    part = book.sheet(events)
    for r in (6, 7, 8):
        book.set_cell(part, f"{beside}{r}", f'<c r="{beside}{r}"><f>C{r}*2</f><v>0</v></c>')
    return Expect(elements=[(part, f"//m:c[@r='{beside}{r}']") for r in (6, 7, 8)],
                  formulas=[(events, f"{beside}6", "C6*2")])


def custom_property(book: Book, events: str) -> Expect:
    book.add("docProps/custom.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
             'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property '
             'fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Desk"><vt:lpwstr>Asia tech</vt:lpwstr>'
             '</property></Properties>', "application/vnd.openxmlformats-officedocument.custom-properties+xml")
    book.rel("", REL + "custom-properties", "docProps/custom.xml")
    return Expect()


def renamed_sheet(book: Book, events: str) -> Expect:
    new = "My returns"
    for part in list(book.parts):
        if part == "xl/workbook.xml" or part.startswith("xl/charts/"):
            book.put(part, book.text(part).replace(f'name="{events}"', f'name="{new}"')
                     .replace(f"'{events}'!", f"'{new}'!"))
    return Expect(events_sheet=new)


def reordered_sheets(book: Book, events: str) -> Expect:
    wb = book.text("xl/workbook.xml")
    sheets = re.findall(r"<sheet [^>]*/>", wb)
    block = "".join(sheets)
    wb = wb.replace(block, "".join(reversed(sheets)))
    wb = re.sub(r' localSheetId="(\d+)"', lambda m: f' localSheetId="{len(sheets) - 1 - int(m.group(1))}"', wb)
    book.put("xl/workbook.xml", wb.replace('activeTab="0"', f'activeTab="{len(sheets) - 1}"'))
    return Expect()


def inserted_sheet(book: Book, events: str) -> Expect:
    part = "xl/worksheets/sheet901.xml"
    book.add(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>my notes</t>'
             '</is></c><c r="B1"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>', CT_SHEET)
    rid = book.rel("xl/workbook.xml", REL + "worksheet", "worksheets/sheet901.xml")
    wb = book.text("xl/workbook.xml")
    first = re.search(r"<sheet [^>]*/>", wb)
    second = re.search(r"<sheet [^>]*/>", wb[first.end():])
    at = first.end() + second.end()  # after the second sheet: between owned sheets
    wb = wb[:at] + f'<sheet xmlns:r="{R_NS}" name="내 메모" sheetId="901" r:id="{rid}"/>' + wb[at:]
    wb = re.sub(r' localSheetId="(\d+)"', lambda m: f' localSheetId="{int(m.group(1)) + (int(m.group(1)) >= 2)}"', wb)
    book.put("xl/workbook.xml", wb)
    return Expect(elements=[("xl/workbook.xml", "//m:sheet[@name='내 메모']")])


def _shift_sheet(book: Book, events: str, shift_ref, shift_row, shift_col) -> str:
    """Move the events sheet's cells as Excel does when rows or columns are inserted: cells,
    rows, ranges, the tables' refs, chart series and defined names over the sheet."""
    part = book.sheet(events)
    cell = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")

    def refs(text):
        return cell.sub(shift_ref, text)

    text = book.text(part)
    text = re.sub(r'<row r="(\d+)"', lambda m: f'<row r="{shift_row(int(m.group(1)))}"', text)
    text = re.sub(r' spans="(\d+):(\d+)"', lambda m: f' spans="{shift_col(int(m.group(1)))}:{shift_col(int(m.group(2)))}"',
                  text)
    text = re.sub(r'<col ([^>]*?)min="(\d+)" max="(\d+)"',
                  lambda m: f'<col {m.group(1)}min="{shift_col(int(m.group(2)))}" max="{shift_col(int(m.group(3)))}"', text)
    text = re.sub(r'( r="|sqref="|ref="|topLeftCell="|activeCell=")([^"]+)"', lambda m: m.group(1) + refs(m.group(2)) + '"',
                  text)
    book.put(part, text)
    folder, _, name = part.rpartition("/")
    for target in re.findall(r'Target="([^"]+table\d+\.xml)"', book.text(f"{folder}/_rels/{name}.rels")):
        table = target.lstrip("/")
        book.put(table, re.sub(r'ref="([^"]+)"', lambda m: 'ref="' + refs(m.group(1)) + '"', book.text(table)))
    sheet_refs = re.compile(rf"('{re.escape(events)}'!)([^<]+)")
    for other in [p for p in book.parts if p.startswith("xl/charts/chart")] + ["xl/workbook.xml"]:
        book.put(other, sheet_refs.sub(lambda m: m.group(1) + refs(m.group(2)), book.text(other)))
    return part


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def rows_above_table(book: Book, events: str, n: int = 3, at: int = 3) -> Expect:
    """Insert ``n`` rows above row ``at`` of the events sheet."""
    def row(r):
        return r + n if r >= at else r
    part = _shift_sheet(book, events, lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{row(int(m.group(4)))}",
                        row, lambda c: c)
    book.set_cell(part, "A3", '<c r="A3" t="inlineStr"><is><t>my header notes</t></is></c>')
    return Expect(elements=[(part, "//m:c[@r='A3']")])


def columns_left_of_table(book: Book, events: str, n: int = 2) -> Expect:
    """Insert ``n`` columns at column A of the events sheet, and type a note in the new column."""
    def col(c):
        return c + n
    part = _shift_sheet(book, events, lambda m: f"{m.group(1)}{_letters(col(_number(m.group(2))))}{m.group(3)}"
                                                f"{m.group(4)}", lambda r: r, col)
    book.put(part, re.sub(r'(<row r="6"[^>]*>)', r'\1<c r="A6" t="inlineStr"><is><t>my tag</t></is></c>',
                          book.text(part), count=1))
    return Expect(elements=[(part, "//m:c[@r='A6']")])


KINDS = {f.__name__: f for f in (
    own_chart_on_owned_sheet, own_chart_on_own_sheet, own_chart_sheet, picture, text_box, legacy_comment, threaded_comment,
    hyperlink, x14_data_validation, x14_conditional_format, sparklines, defined_name, sheet_protection,
    vba_module, form_button, own_formula_row, own_formula_column, custom_property, renamed_sheet,
    reordered_sheets, inserted_sheet, rows_above_table, columns_left_of_table)}


def pivot_over_events(book: Book, events: str) -> None:
    """A pivot cache whose source is the event table (refused: it cannot be kept consistent)."""
    book.add("xl/pivotCache/pivotCacheDefinition900.xml", '<?xml version="1.0" encoding="UTF-8" '
             f'standalone="yes"?>\n<pivotCacheDefinition xmlns="{MAIN_NS}" xmlns:r="{R_NS}" refreshOnLoad="1" '
             'recordCount="0"><cacheSource type="worksheet"><worksheetSource name="sb_event_returns"/>'
             '</cacheSource><cacheFields count="1"><cacheField name="티커" numFmtId="0"><sharedItems/>'
             '</cacheField></cacheFields></pivotCacheDefinition>',
             "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml")
    rid = book.rel("xl/workbook.xml", REL + "pivotCacheDefinition", "pivotCache/pivotCacheDefinition900.xml")
    wb = book.text("xl/workbook.xml")
    pivots = f'<pivotCaches><pivotCache xmlns:r="{R_NS}" cacheId="900" r:id="{rid}"/></pivotCaches>'
    book.put("xl/workbook.xml", wb.replace("</workbook>", pivots + "</workbook>"))


def xpath(root, path: str):
    return root.xpath(path, namespaces={"m": MAIN_NS})


def canonical(part_bytes: bytes, path: str) -> list[bytes]:
    root = etree.fromstring(part_bytes, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    return [etree.tostring(e, method="c14n") for e in xpath(root, path)]


def saved_by_excel(book: Book) -> None:
    """What Excel's own save changes: every text cell in the shared-string table, and a
    calculation chain (``xl/calcChain.xml``)."""
    strings: list[str] = []
    pattern = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>')

    def shared(m):
        strings.append(m.group(3))
        return f'<c {m.group(1)}t="s"{m.group(2)}><v>{len(strings) - 1}</v></c>'

    for _, part in book.sheets():
        book.put(part, pattern.sub(shared, book.text(part)))
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    book.add("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>',
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    book.rel("xl/workbook.xml", REL + "sharedStrings", "sharedStrings.xml")
    book.add("xl/calcChain.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             f'<calcChain xmlns="{MAIN_NS}"><c r="B40" i="8"/></calcChain>',
             "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml")
    book.rel("xl/workbook.xml", REL + "calcChain", "calcChain.xml")
