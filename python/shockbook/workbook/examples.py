"""The UDF examples sheet: one runnable example per ``SB_`` function, its expected result
computed at build through the tables layer (the same code the function calls).

An :class:`Example` names the function, its arguments (literals, or :class:`Setting` cells
of the Settings sheet, so the example follows the book's event date and language) and
``expect(ctx, args) -> (row, column, value)``: which cell of the function's answer the
example checks (``row`` counts data rows from 0 under the spilled header, ``column`` is a
header name; both ``None`` for a single-value function) and the value the build computed.
``tests/excel/test_udf_examples.py`` evaluates each formula through the UDFs the way Excel
calls them and compares. The engine imports no adapter: it names the functions, it does not
call them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import ShockbookError
from . import layout as L
from .i18n import error_cell, label


@dataclass(frozen=True)
class Setting:
    """A value cell of the Settings sheet's ``sb_settings`` block, by its key."""

    key: str

    def address(self, lang: str) -> str:
        from .producers import SETTING_KEYS

        _, block = L.block("sb_settings")
        row, col = block.origin
        value_col = col + [c.key for c in block.columns].index("value")
        sheet = label(L.sheet("settings").title_key, lang)
        return f"'{sheet}'!${L.column_letter(value_col)}${row + 1 + SETTING_KEYS.index(self.key)}"


@dataclass(frozen=True)
class Example:
    function: str
    args: tuple
    expect: Callable[[Any, list], tuple]
    ko: str
    en: str
    unit: str = "number"  # how the expected value is formatted (engine.UNIT_FORMATS)
    #: the function needs the network by nature (no offline source has its data): a build that
    #: cannot compute it shows :data:`NETWORK_ONLY` (in the book's language), not an error
    network: bool = False

    def formula(self, lang: str) -> str:
        return f"={self.function}({','.join(_literal(a, lang) for a in self.args)})"


def _literal(arg, lang: str) -> str:
    if isinstance(arg, Setting):
        return arg.address(lang)
    if isinstance(arg, tuple):  # a row array {..,..}; a tuple of tuples is a column {..;..}
        if arg and isinstance(arg[0], tuple):
            return "{" + ";".join(_literal(a[0], lang) for a in arg) + "}"
        return "{" + ",".join(_literal(a, lang) for a in arg) + "}"
    if arg is None:  # an omitted optional argument
        return ""
    if isinstance(arg, str):
        return '"' + arg.replace('"', '""') + '"'
    return f"{arg:.15g}"


def resolve(args: tuple, ctx) -> list:
    """The example's arguments as the function receives them (Settings cells read from ``ctx``)."""
    from .producers import settings_rows

    frame = settings_rows(ctx).frame
    values = dict(zip(frame["key"], frame["value"]))
    return [values[a.key] if isinstance(a, Setting) else a for a in args]


EVENT, LANG, MONTH, ASOF = Setting("event_date"), Setting("lang"), Setting("calendar_month"), Setting("as_of")


def _event(ctx, args):
    from ..tables.events import resolve_event

    return resolve_event(args[1] if len(args) > 1 else args[0])


def _ev_returns(ctx, args):
    from ..tables.events import event_returns_table

    table = event_returns_table(list(args[0]), _event(ctx, args), ctx.settings).frame
    return 0, "event_return", float(table.loc[table["ticker"] == args[0][0], "event_return"].iloc[0])


def _dip(ctx, args):
    from ..tables.dip import dip_screen_table

    as_of = args[2] if len(args) > 2 and args[2] not in ("", None) else None  # an empty Settings cell: the last close
    table = dip_screen_table(list(args[0]), _event(ctx, args), ctx.settings, as_of=as_of).frame
    return 0, "since_event", float(table["since_event"].iloc[0])  # defined for every event (a share is not)


def _period_return(ctx, args):
    from ..tables.events import period_return

    return None, None, period_return(args[0], args[1], args[2], ctx.settings)[0]


def _breadth(n, part, column):
    def expect(ctx, args):
        from ..data.universe import universe_members
        from ..tables.events import breadth_table

        event = _event(ctx, args[:1])
        # SB_BREADTH, SB_WORST and SB_BEST check the first row of one breadth over the universe:
        # computed once per session, with enough names for every example (n only cuts the lists)
        found = ctx.cached(("example_breadth", event.session), lambda: breadth_table(
            universe_members(ctx.settings, None, event.session), event, ctx.settings, n=max(n, 10)))
        return 0, column, getattr(found, part)[column].iloc[0]

    return expect


def _rebased(ctx, args):
    from ..tables.events import rebased_paths_table

    event = _event(ctx, args)
    table = rebased_paths_table(list(args[0]), event, ctx.settings).frame
    row = [dt.date.fromisoformat(str(d)[:10]) for d in table["date"]].index(event.session)
    return row, args[0][0], float(table[args[0][0]].iloc[row])


def _car(ctx, args):
    from ..tables.events import abnormal_returns_table

    table = abnormal_returns_table(list(args[0]), _event(ctx, args), ctx.settings).frame
    return 0, "CAR[0,0]", float(table["CAR[0,0]"].iloc[0])


def _baskets(ctx, args):
    from ..tables.events import basket_table

    table = basket_table(_event(ctx, [None, args[0]]), ctx.settings).frame
    return 0, "event_return", float(table["event_return"].iloc[0])


def _opinions(ctx, args):
    from ..tables.content import opinions_table

    table = opinions_table(args[3], args[0], user_file=ctx.settings.opinions_file).frame
    return 0, "source", table["source"].iloc[0]


def _scaling(ctx, args):
    from ..tables.content import scaling_table

    return 0, "aspect", scaling_table(args[0]).frame["aspect"].iloc[0]


def _metric(ctx, args):
    from ..tables.content import model_metrics_table

    rows = model_metrics_table(args[1], args[0], user_file=ctx.settings.metrics_file).frame
    return None, None, float(rows["value"].dropna().iloc[-1])


def _api_cost(ctx, args):
    from ..tables.content import api_cost_table

    table = api_cost_table(args[1], args[2], user_file=ctx.settings.metrics_file).frame
    return 0, "reference_cost_multiple", float(
        table.loc[table["model"] == args[0], "reference_cost_multiple"].iloc[0])


def _split(ctx, args):
    from ..content import calculators as calc

    return 0, "training_share", calc.compute_split(k=args[0]).training_share


def _grid(ctx, args):
    from ..tables.earnings import earnings_calendar_grid

    grid = earnings_calendar_grid(args[0], None, ctx.settings, ctx.settings.lang).frame
    return 0, "MON", grid["MON"].iloc[0]


def _next_earnings(ctx, args):
    from ..tables.earnings import next_earnings_date

    found = next_earnings_date(args[0], ctx.settings, as_of=args[1] if len(args) > 1 else None)
    return None, None, dt.datetime.combine(found["date"], dt.time())


def _eps(ctx, args):
    from ..tables.earnings import eps_surprise

    return None, None, eps_surprise(args[0], args[1], ctx.settings)["surprise"]


def _rebase(ctx, args):
    values = [v[0] for v in args[0]]
    return 1, 0, values[1] / values[0] * 100


EXAMPLES: tuple[Example, ...] = (
    Example("SB_REBASE", (((50.0,), (55.0,), (60.0,)),), _rebase,
            "세 가격을 첫 값=100으로 환산: 둘째 값 55 → 110", "Rebase three prices to 100 at the first: 55 → 110"),
    Example("SB_EVENT_RETURNS", (("NVDA", "AVGO"), EVENT), _ev_returns,
            "두 종목의 이벤트일 수익률 표 (설정의 이벤트일)", "Event-day returns of two tickers (the Settings event date)", unit="pct"),
    Example("SB_DIP_SCREEN", (("NVDA", "AVGO", "VST"), EVENT, ASOF), _dip,
            "저가매수 스크린: 가장 크게 하락한 종목(첫 행)의 이벤트 후 수익률 (설정의 기준일까지, 비어 있으면 최근 종가)",
            "Dip screen: the worst-hit name's (first row) return since the event (to the Settings as-of, "
            "else the last close)", unit="pct"),
    Example("SB_RETURN", ("NVDA", "2025-01-24", "2025-01-27"), _period_return,  # literal: any book's event
            "엔비디아 1/24 종가 → 1/27 종가 수익률 (보고서의 이벤트)", "Nvidia's return from the 1/24 close to the 1/27 close "
            "(the report's event)", unit="pct"),
    Example("SB_BREADTH", (EVENT,), _breadth(10, "summary", "down"),
            "이벤트일 하락 종목 수 (설정의 유니버스)", "Decliners on the event day (the Settings universe)", unit="count"),
    Example("SB_WORST", (EVENT, 3), _breadth(3, "worst", "ticker"),
            "이벤트일 가장 많이 하락한 3종목", "The three worst names on the event day", unit="text"),
    Example("SB_BEST", (EVENT, 3), _breadth(3, "best", "ticker"),
            "이벤트일 가장 많이 상승한 3종목", "The three best names on the event day", unit="text"),
    Example("SB_REBASED", (("NVDA", "AVGO"), EVENT), _rebased,
            "이벤트 전 기준일=100 주가 경로, 이벤트일 행", "Price paths rebased to 100, the event-day row"),
    Example("SB_CAR", (("NVDA",), EVENT), _car,
            "엔비디아 이벤트일 초과수익률 (시장 모형)", "Nvidia's event-day abnormal return (market model)", unit="pct"),
    Example("SB_BASKETS", (EVENT,), _baskets,
            "첫 바스켓의 이벤트일 수익률", "The first basket's event-day return", unit="pct"),
    Example("SB_OPINIONS", ("positive", None, None, LANG), _opinions,
            "표1 긍정 의견 (설정의 언어), 첫 출처", "Table 1's positive opinions (the Settings language), first source", unit="text"),
    Example("SB_SCALING", (LANG,), _scaling,
            "표2 첫 항목", "Table 2, first aspect", unit="text"),
    Example("SB_MODEL_METRIC", ("DeepSeek R1", "aime2024_pass1"), _metric,
            "R1의 AIME 2024 점수 (%)", "R1's AIME 2024 score (%)"),
    Example("SB_API_COST", ("DeepSeek R1", 1000000.0, 1000000.0), _api_cost,
            "입력·출력 1M 토큰: o1 비용은 R1의 몇 배", "1M tokens in and out: o1's cost as a multiple of R1's", unit="multiple"),
    Example("SB_COMPUTE_SPLIT", (1.0,), _split,
            "k=1 일 때 최적 훈련 비중", "Optimal training share at k = 1", unit="pct"),
    Example("SB_EARNINGS_GRID", (MONTH,), _grid,
            "표4 달력 (설정의 월), 첫 주 월요일", "Table 4's calendar (the Settings month), first Monday", unit="text"),
    # after the report's event day, inside the report's calendar: table 4 answers offline, Yahoo online
    Example("SB_NEXT_EARNINGS", ("NVDA", "2025-01-27"), _next_earnings,
            "보고서 이벤트일(1/27) 이후 엔비디아의 첫 실적 발표일 (오프라인: 보고서 표4)",
            "Nvidia's first earnings date after the report's event day, 1/27 (offline: the report's table 4)",
            unit="date"),
    Example("SB_EPS_SURPRISE", ("MSFT", "2025-01-29"), _eps,
            "마이크로소프트 1/29 실적의 EPS 서프라이즈 (EPS 추정·실적치는 Yahoo에만 있음)",
            "Microsoft's EPS surprise on 1/29 (EPS estimates and actuals come from Yahoo only)",
            unit="pct", network=True),
)

#: The expected-result label of a :attr:`Example.network` example the build could not compute.
NETWORK_ONLY = "example.network_only"


def example_rows(ctx) -> list[dict]:
    """``formula, shows, expected, explanation`` per example; an expected value the tables
    layer cannot compute is its error's cell text (what the function shows too)."""
    rows = []
    for ex in EXAMPLES:
        args = resolve(ex.args, ctx)
        try:
            row, column, value = ex.expect(ctx, args)
        except ShockbookError as exc:  # a network function offline says so plainly; others show the error
            row, column, value = None, None, ctx.t(NETWORK_ONLY) if ex.network else error_cell(exc, ctx.lang)
        if row is None:
            shows = ctx.t("example.single")
        else:
            shows = ctx.t("example.cell").format(row=row + 1, column=column if isinstance(column, str) else f"#{column + 1}")
        rows.append(dict(function=ex.function, formula=ex.formula(ctx.lang), shows=shows, expected=value,
                         unit="text" if isinstance(value, str) else ex.unit,
                         explanation=ex.ko if ctx.lang == "ko" else ex.en, row=row, column=column))
    return rows
