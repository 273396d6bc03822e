"""The workbook's one declarative layout: sheets, blocks, columns, formats and charts.

The same spec drives, through one engine (:mod:`shockbook.workbook.engine`), the headless build
(:mod:`shockbook.template.builder`, openpyxl) and the live refresh in Excel
(:mod:`shockbook.excel.macros`, xlwings), so the two can never disagree
about where a table lives. A **block** is one table the workbook shows:

* ``name`` -- stable; it is also the Excel table's name (``sb_event_returns``), which Excel
  keeps when a user renames the sheet, so a refresh finds the table by it;
* ``anchor`` -- the top-left cell of its header row; the block title is in the row above;
* ``producer`` -- ``producer(ctx) -> DataFrame`` calling the tables layer
  (:mod:`shockbook.workbook.producers`); ``fallback`` is used when price data is missing
  (the report's published values, labelled "as published");
* ``columns`` -- which DataFrame columns are shown, in order, with header label, number format
  and whether red/green conditional formatting applies;
* ``capacity`` -- data rows the block owns below its header. A refresh rewrites the title row,
  the header and these rows in the block's columns, and nothing else;
* ``chart`` -- an optional line or bar chart of some columns.

A block with ``role="input"`` (Settings, watchlist) is written by the build only: the refresh
reads it and never overwrites what the user typed. ``keep_rows`` names a column whose values
mark the producer's own rows (e.g. Opinions' ``origin == "built-in"``): other rows in the block
are the user's and are kept below the refreshed ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from . import dipsheet as d
from . import figures as f
from . import producers as p

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([1-9][0-9]*)$")


def column_letter(index: int) -> str:
    """Excel column letters of a one-based column index (1 -> ``A``, 27 -> ``AA``)."""
    if not 1 <= index <= 16384:
        raise ValueError(f"column {index} is outside Excel's 1..16384")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_position(ref: str) -> tuple[int, int]:
    """``(row, column)``, one-based, of an A1 reference such as ``"B7"`` or ``"$B$7"``."""
    match = _CELL.match(ref)
    if not match:
        raise ValueError(f"{ref!r} is not an A1 cell reference")
    letters, row = match.groups()
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(row), col


# Number formats (Excel codes).
PCT = "0.0%"
PCT2 = "0.00%"
DATE = "yyyy-mm-dd"
NUM1 = "0.0"
PCT0 = "0%"
NUM2 = "0.00"
NUM4 = "0.0000"
INT = "0"
THOUSANDS = "#,##0"
USD_BN = '#,##0.0,,,'  # dollars shown in billions (the header says "USD bn")
USD = "#,##0.00"
TEXT = "General"


@dataclass(frozen=True)
class Column:
    """One column of a block: DataFrame key, header label key, number format, width hint.

    ``signed`` columns get red (negative) / green (positive) conditional formatting;
    ``wrap`` columns wrap their text (long Korean text) at ``width`` characters.
    """

    key: str
    label: str = ""
    fmt: str = TEXT
    signed: bool = False
    wrap: bool = False
    width: float | None = None
    fit: bool = True  # False: long text overflows to the right; the column is not widened for it
    fmt_by: str | None = None  # a frame column naming each row's unit (pct, count, one_in...): its format

    @property
    def label_key(self) -> str:
        return self.label or f"col.{self.key}"

    def header(self, lang: str) -> str:
        """The header text: a label from the translation table, or literal after ``=``."""
        from .i18n import label

        return self.label[1:] if self.label.startswith("=") else label(self.label_key, lang)


@dataclass(frozen=True)
class Chart:
    """A chart of a block: ``kind`` line or bar, ``x`` the category column, ``series`` the
    value columns, placed with its top-left corner at ``anchor`` (``width``/``height`` in cm).

    ``marker`` names a column (or one per series) plotted as markers only (the event day on
    each price path).
    """

    kind: str  # line | bar (vertical columns) | hbar (horizontal bars) | scatter (x against series[0])
    title: str
    x: str
    series: tuple[str, ...]
    anchor: str
    width: float = 16.0
    height: float = 7.5
    marker: str | tuple[str, ...] | None = None
    y_format: str | None = None
    name: str = ""
    labels: str | None = None  # scatter: the column whose text labels each point (one series per row)
    x_format: str | None = None
    fit: bool = False  # scatter: both axes from the plotted points, padded, 0 included (every point and label visible)


@dataclass(frozen=True)
class Block:
    name: str
    anchor: str
    producer: Callable
    columns: tuple[Column, ...]
    capacity: int
    charts: tuple[Chart, ...] = ()
    fallback: Callable | None = None
    role: str = "data"  # data | input
    keep_rows: tuple[str, str] | None = None  # (column, value that marks the producer's rows)
    prices: bool = False  # needs price data (falls back "as published" without it)

    @property
    def title_key(self) -> str:
        return f"block.{self.name}"

    @property
    def origin(self) -> tuple[int, int]:
        """``(row, column)`` of the header's first cell, one-based."""
        return cell_position(self.anchor)

    @property
    def width(self) -> int:
        return len(self.columns)

    def owned(self) -> tuple[int, int, int, int]:
        """``(top, left, bottom, right)``: the title row to the last capacity row, one-based."""
        row, col = self.origin
        return row - 1, col, row + self.capacity, col + self.width - 1

    def owned_ref(self) -> str:
        top, left, bottom, right = self.owned()
        return f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"block {self.name} has no column {key!r}")


@dataclass(frozen=True)
class Sheet:
    key: str
    blocks: tuple[Block, ...] = ()
    buttons: bool = True
    landscape: bool = True
    freeze: str | None = None
    pages_high: int = 0  # print: a scale that fits one page wide and this many high (0: styling.print_scale's rule)
    print_rows: tuple[tuple[int, int], ...] | None = None  # print only these row ranges (default: all)
    widths: tuple[tuple[str, float], ...] = ()  # fixed column widths (e.g. a narrow margin column)

    @property
    def title_key(self) -> str:
        return f"sheet.{self.key}"


def C(key, fmt=TEXT, **kw) -> Column:  # noqa: N802 - a compact constructor for the table below
    return Column(key, fmt=fmt, **kw)


_SIGNED_PCT = dict(fmt=PCT, signed=True)
#: Rows of the dip screen (and of its score and rank formulas).
DIP_CAPACITY = 60
_EVENT_COLS = (
    C("ticker"), C("name", width=22), C("event_return", **_SIGNED_PCT), C("ytd_before", **_SIGNED_PCT),
    C("ytd_incl", **_SIGNED_PCT), C("since_pre_event", **_SIGNED_PCT),  # figure 5's basis
    # recovery: returns since the event at +1, +5, +20 sessions and to the as-of date
    C("return_1", **_SIGNED_PCT), C("return_5", **_SIGNED_PCT), C("return_20", **_SIGNED_PCT),
    C("since_event", **_SIGNED_PCT), C("since_asof", DATE),
    C("sessions_to_recover", INT), C("recovered_on", DATE), C("share_recovered", PCT), C("beta", NUM2),
    C("source", width=18), C("as_of", width=17), C("note", wrap=True, width=30),
    C("error", wrap=True, width=30),
)
_RANK_COLS = (C("rank", INT), C("ticker"), C("name", width=22), C("sector", width=22),
              C("return", **_SIGNED_PCT))
#: Six pairs of price paths (figures 6-11 by default; Settings ``path_pairs`` picks any tickers):
#: slot columns ``path_<i>a``/``path_<i>b`` hold the pair's rebased closes, ``event_<i>a``/``b``
#: the same value on the event session only (the marker sits on each series).
PATH_SLOTS = tuple(f"{i}{side}" for i in range(1, 7) for side in "ab")
_PATH_COLS = ((C("date", DATE),) + tuple(C(f"path_{s}", NUM2) for s in PATH_SLOTS)
              + tuple(C(f"event_{s}", NUM2) for s in PATH_SLOTS))
_PAIR_CHARTS = tuple(
    Chart("line", f"chart.fig{6 + i}", "date", (f"path_{i + 1}a", f"path_{i + 1}b"),
          anchor=f"{'A' if i % 2 == 0 else 'J'}{5 + 18 * (i // 2)}", width=14, height=8.5,
          marker=(f"event_{i + 1}a", f"event_{i + 1}b"), y_format="0", name=f"fig{6 + i}")
    for i in range(6)
)
_CAR = (C("CAR[0,0]", label="col.car_0_0", **_SIGNED_PCT), C("t[0,0]", NUM2, label="col.t_0_0"),
        C("CAR[-1,+1]", label="col.car_m1_p1", **_SIGNED_PCT), C("t[-1,+1]", NUM2, label="col.t_m1_p1"),
        C("CAR[0,+5]", label="col.car_0_p5", **_SIGNED_PCT), C("t[0,+5]", NUM2, label="col.t_0_p5"),
        C("CAR[0,+20]", label="col.car_0_p20", **_SIGNED_PCT), C("t[0,+20]", NUM2, label="col.t_0_p20"))


#: What every figure table shows after its values: qualifier, source date, flags, source.
_FIG_TAIL = (C("qualifier_text", width=10), C("source_date", width=11), C("flags", width=9),
             C("source", wrap=True, width=40))


def _fig(name, anchor, producer, columns, chart_title, series, *, y_format="0", capacity=16):
    row, col = cell_position(anchor)
    # the chart right beside its table (one blank column between), so the two print together;
    # its value axis in whole units (USD 10, 20 ..., not 10.00, 20.00 ... crowding each other)
    return Block(name, anchor, producer, columns, capacity,
                 charts=(Chart("hbar", chart_title, columns[0].key, series,
                               anchor=f"{column_letter(col + len(columns) + 1)}{row - 1}",
                               width=16, height=9, y_format=y_format, name=name),))


LAYOUT: tuple[Sheet, ...] = (
    # The summary: the market tables, then the report's key numbers below them -- stacked, not
    # side by side, so a tall wrapped row of one panel never stretches the other's rows (in
    # print, a page break keeps each table whole).
    Sheet("dashboard", blocks=(
        Block("sb_summary", "B5", p.summary, (C("item", width=22), C("value", width=24, fit=False)), 9),
        Block("sb_index_moves", "B16", p.index_moves,
              (C("ticker"), C("name", width=24), C("event_return", **_SIGNED_PCT),
               C("ytd_before", **_SIGNED_PCT), C("since_event", **_SIGNED_PCT)),
              6, fallback=p.index_moves_published, prices=True),
        Block("sb_breadth_summary", "B25", p.breadth_summary,
              (C("up", INT), C("down", INT), C("unchanged", INT), C("missing", INT), C("total", INT),
               C("index"), C("index_return", **_SIGNED_PCT)),
              1, fallback=p.breadth_summary_published, prices=True),
        Block("sb_basket_spread", "B30", p.basket_spread,
              (C("label", width=22), C("event_return", **_SIGNED_PCT), C("ytd_before", **_SIGNED_PCT),
               C("since_event", **_SIGNED_PCT), C("used", INT)), 4, prices=True),
        Block("sb_strategy", "B37", p.strategy, (C("text", fit=False),), 6),
        Block("sb_key_numbers", "B46", p.key_numbers,
              (C("item", wrap=True, width=24), C("published", wrap=True, width=17), C("recomputed", wrap=True, width=17),
               C("mark", width=8), C("published_value", NUM2, fmt_by="unit", width=10),
               C("recomputed_value", NUM2, fmt_by="unit", width=10), C("where", wrap=True, width=24),
               C("note", wrap=True, width=22)), 14),
    ), widths=(("A", 2),)),
    Sheet("event_returns", blocks=(
        Block("sb_event_returns", "A5", p.event_returns, _EVENT_COLS, 80,
              charts=(Chart("bar", "chart.event_returns", "ticker", ("event_return",), anchor="V4",
                            width=18, height=10, y_format="0%", name="fig5"),),
              fallback=p.event_returns_published, prices=True),
    ), freeze="B6"),
    # The report's figure 5 across markets: Korea first (the report was written in Seoul, where
    # the shock arrived after the Lunar New Year), then Japan, Europe, the US.
    Sheet("global", blocks=(
        Block("sb_global_reaction", "A5", p.global_reaction,
              (C("region", width=9), C("ticker"), C("name", width=20), C("event_session", width=24, wrap=True),
               C("window_from", width=11), C("window_return", PCT2, signed=True), C("currency", width=10),
               C("window_return_usd", PCT2, signed=True), C("benchmark", width=10),
               C("benchmark_return", PCT2, signed=True), C("abnormal_return", PCT2, signed=True, label="col.ar_vs_local"),
               C("t_stat", NUM2, label="col.t_vs_local"),
               C("fx", width=18, wrap=True),
               C("source", width=16), C("as_of", width=17), C("note", wrap=True, width=30),
               C("error", wrap=True, width=30)),
              60, charts=(Chart("bar", "chart.global", "ticker", ("window_return", "window_return_usd"),
                                anchor="S4", width=18, height=10, y_format="0%", name="global"),),
              prices=True),
    ), freeze="C6"),
    Sheet("breadth", blocks=(
        Block("sb_breadth_counts", "A5", p.breadth_summary,
              (C("up", INT), C("down", INT), C("unchanged", INT), C("missing", INT), C("total", INT),
               C("index"), C("index_return", **_SIGNED_PCT)),
              2, fallback=p.breadth_summary_published, prices=True),
        Block("sb_breadth_worst", "A11", p.breadth_worst, _RANK_COLS, 20,
              charts=(Chart("bar", "chart.worst", "ticker", ("return",), anchor="M4", width=15, height=7.5,
                            y_format="0%", name="worst"),),
              fallback=p.breadth_worst_published, prices=True),
        Block("sb_breadth_best", "G11", p.breadth_best, _RANK_COLS, 20,
              charts=(Chart("bar", "chart.best", "ticker", ("return",), anchor="M20", width=15, height=7.5,
                            y_format="0%", name="best"),), prices=True),
    )),
    Sheet("price_paths", blocks=(
        Block("sb_price_paths", "A59", p.price_paths, _PATH_COLS, 520, charts=_PAIR_CHARTS, prices=True),
    ), freeze=None, print_rows=((1, 57),), pages_high=1),  # the six charts on one page; the data table is for reference
    Sheet("abnormal", blocks=(
        Block("sb_group_tests", "A5", p.group_tests,
              (C("group", width=20), C("window"), C("n", INT), C("mean_car", **_SIGNED_PCT),
               C("t_bmp", NUM2), C("p_bmp", NUM4), C("t_kp", NUM2), C("p_kp", NUM4), C("note", wrap=True, width=24)),
              12, prices=True),
        Block("sb_abnormal", "A21", p.abnormal,
              (C("ticker"), C("alpha", PCT2), C("beta", NUM2), C("sigma", PCT2), C("r_squared", NUM2),
               C("n_obs", INT)) + _CAR + (C("note", wrap=True, width=24), C("error", wrap=True, width=24)),
              80, charts=(Chart("bar", "chart.car", "ticker", ("CAR[0,0]",), anchor="S4", width=18, height=10,
                                y_format="0%", name="car"),), prices=True),
    )),
    Sheet("dip", blocks=(
        Block("sb_dip_weights", "A5", d.weight_rows, (C("item", width=30), C("value", NUM2)), 4, role="input"),
        Block("sb_dip_screen", "C13", d.dip_screen,
              (C("ticker"), C("name", width=20), C("event_return", **_SIGNED_PCT), C("abnormal_return", **_SIGNED_PCT),
               C("t_stat", NUM2), C("ytd_before", **_SIGNED_PCT), C("recovered_share", PCT0),
               C("since_event", **_SIGNED_PCT), C("as_of", DATE), C("next_earnings", DATE),
               C("earnings_source", width=14), C("note", wrap=True, width=36), C("error", wrap=True, width=24)),
              # the return since the event, not the share recovered: a ratio that explodes for small drops;
              # beside the table from its header row, so a page break before the table never cuts it and
              # it covers none of the rule lines above the table
              DIP_CAPACITY, charts=(Chart("scatter", "chart.dip", "event_return", ("since_event",), anchor="Q13",
                                          width=19, height=14, y_format="0%", x_format="0%", name="dip",
                                          labels="ticker", fit=True),), prices=True),
    ), freeze="E14", widths=(("B", 11),)),
    Sheet("baskets", blocks=(
        Block("sb_baskets", "A5", p.baskets,
              (C("label", width=24), C("theme", width=16), C("members", wrap=True, width=40),
               C("event_return", **_SIGNED_PCT), C("ytd_before", **_SIGNED_PCT), C("since_event", **_SIGNED_PCT),
               C("used", INT), C("missing"), C("source", wrap=True, width=40)),
              20, charts=(Chart("bar", "chart.baskets", "label", ("event_return", "since_event"), anchor="K4",
                                width=17, height=9, y_format="0%", name="baskets"),), prices=True),
    )),
    Sheet("opinions", blocks=(
        Block("sb_opinions", "A5", p.opinions,
              (C("id", width=16), C("stance"), C("source", width=18), C("source_type", width=12),
               C("points", wrap=True, width=80), C("tickers", width=14), C("report_table", INT), C("report_page", INT),
               C("note", wrap=True, width=30), C("origin", width=12)),
              60, keep_rows=("origin", "built-in")),
    ), freeze="C6"),
    Sheet("scaling", blocks=(
        Block("sb_scaling", "A5", p.scaling,
              (C("aspect", width=14), C("training_scaling", wrap=True, width=30),
               C("test_time_scaling", wrap=True, width=30), C("note", wrap=True, width=16),
               C("source", wrap=True, width=26)), 6),
        _fig("sb_fig1_quality", "A15", f.fig_quality, (C("label", width=28, wrap=True, label="col.model_label"), C("value", INT),
             *_FIG_TAIL), "chart.fig1", ("value",)),
        _fig("sb_fig2_api_price", "A35", f.fig_api_price, (C("label", width=28, wrap=True, label="col.model_label"), C("input_price", USD),
             C("output_price", USD), C("blended_price_3to1", USD), C("valid_from", width=11),
             C("flags", width=9), C("source", wrap=True, width=40)),
             "chart.fig2", ("input_price", "output_price")),
        _fig("sb_fig3_benchmarks", "A55", f.fig_benchmarks, (C("benchmark", width=28),
             C("deepseek_r1", NUM1), C("openai_o1", NUM1), C("source_date", width=11), C("flags", width=9),
             C("source", wrap=True, width=40)), "chart.fig3", ("deepseek_r1", "openai_o1")),
        _fig("sb_fig4_training_cost", "A75", f.fig_training_cost, (C("label", width=28, wrap=True, label="col.model_label"), C("value_musd", NUM1),
             *_FIG_TAIL), "chart.fig4", ("value_musd",), y_format="#,##0"),
        _fig("sb_fig15_speed", "A95", f.fig_speed, (C("label", width=28, wrap=True, label="col.model_label"), C("value", NUM1), *_FIG_TAIL),
             "chart.fig15", ("value",)),
        _fig("sb_fig16_latency", "A115", f.fig_latency, (C("label", width=28, wrap=True, label="col.model_label"), C("value", NUM2), *_FIG_TAIL),
             "chart.fig16", ("value",)),
        Block("sb_model_metrics", "A160", f.model_metrics,
              (C("model", wrap=True, width=24), C("variant", width=14), C("metric_name", wrap=True, width=24),
               C("value", "General"), C("qualifier_text", width=12), C("unit_text", label="col.unit", wrap=True, width=14),
               C("source", wrap=True, width=30), C("source_date", width=11), C("valid_from", width=11), C("flags"),
               C("note", wrap=True, width=26), C("origin", width=10)), 400),
    ), print_rows=((1, 12), (14, 158))),  # table 2; the figures and the calculators; the metrics table is reference
    Sheet("calls", blocks=(
        Block("sb_calls", "A5", p.calls,
              (C("ticker"), C("company", width=14), C("group", width=12), C("revenue_printed", width=12),
               C("revenue_usd", USD_BN), C("revenue_vs_consensus"), C("eps_usd", NUM2, width=11), C("eps_vs_consensus"),
               C("guidance", wrap=True, width=30), C("key_comments", wrap=True, width=70),
               C("deepseek_comment", wrap=True, width=45), C("flags"), C("note", wrap=True, width=30),
               C("source", wrap=True, width=26)), 20),
    ), freeze="B6"),
    Sheet("calendar", blocks=(
        Block("sb_calendar_grid", "A5", p.calendar_grid,
              (C("week_of", DATE),) + tuple(C(d, wrap=True, width=26) for d in ("MON", "TUE", "WED", "THU", "FRI")), 8),
        Block("sb_calendar_list", "A17", p.calendar_list,
              (C("date", DATE), C("weekday"), C("ticker"), C("company", width=24), C("ai_theme", width=26),
               C("flag"), C("note", wrap=True, width=40), C("source", wrap=True, width=26)), 40),
    )),
    Sheet("settings", blocks=(
        Block("sb_settings", "A5", p.settings_rows, (C("key", width=18), C("value", width=40),
              C("item", width=40)), 18, role="input"),
        Block("sb_watchlist", "E5", p.watchlist_rows, (C("ticker"), C("exchange", width=10), C("benchmark", width=11)),
              80, role="input"),
    ), buttons=True),
    Sheet("sources", blocks=(
        Block("sb_sources", "A5", p.sources, (C("block", width=40), C("sheet", width=16), C("source", wrap=True, width=50),
              C("as_of", width=20), C("event", width=11), C("note", wrap=True, width=50)), 60),
    ), buttons=False),
    Sheet("examples", blocks=(
        Block("sb_examples", "A5", p.examples, (C("formula", width=60, fit=False), C("shows", width=16),
              C("expected", NUM2, fmt_by="unit", width=22, wrap=True), C("explanation", wrap=True, width=50)), 24),
    ), buttons=False),
)

#: Blocks that describe the others (their producers read what the others recorded): run last.
LAST = ("sb_summary", "sb_sources")
#: The title of the xlwings configuration sheet (fixed: xlwings looks it up by this name).
XLWINGS_CONF = "xlwings.conf"
#: Calculators on the Scaling sheet (native formulas; input cells are the user's).
CALCULATOR_ANCHOR = "A135"


def sheet(key: str) -> Sheet:
    for s in LAYOUT:
        if s.key == key:
            return s
    raise KeyError(f"no sheet {key!r}; valid: {', '.join(s.key for s in LAYOUT)}")


def blocks() -> list[tuple[Sheet, Block]]:
    return [(s, b) for s in LAYOUT for b in s.blocks]


def block(name: str) -> tuple[Sheet, Block]:
    for s, b in blocks():
        if b.name == name:
            return s, b
    raise KeyError(f"no block {name!r}")


def overlaps() -> list[tuple[str, str]]:
    """Pairs of blocks (or block and calculator area) on one sheet whose owned ranges overlap."""
    found = []
    for s in LAYOUT:
        for i, a in enumerate(s.blocks):
            for b in s.blocks[i + 1:]:
                at, al, ab, ar = a.owned()
                bt, bl, bb, br = b.owned()
                if at <= bb and bt <= ab and al <= br and bl <= ar:
                    found.append((a.name, b.name))
    return found
