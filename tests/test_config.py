"""Settings: defaults, then SHOCKBOOK_* variables, then explicit arguments."""

from pathlib import Path

import pytest

from shockbook.config import Settings
from shockbook.errors import InputError


def test_defaults_use_the_whole_chain():
    s = Settings.from_env(environ={})
    assert s.sources == ("live", "cache", "snapshot")
    assert s.offline is False and s.snapshot is None
    assert s.active_sources() == ("live", "cache")  # no snapshot file: no snapshot step


def test_environment_overrides_defaults_and_arguments_override_environment():
    env = {"SHOCKBOOK_OFFLINE": "1", "SHOCKBOOK_FRESH_MINUTES": "5", "SHOCKBOOK_SNAPSHOT": "~/p.csv.gz"}
    s = Settings.from_env(environ=env)
    assert s.offline is True and s.fresh_minutes == 5.0
    assert s.snapshot == Path("~/p.csv.gz").expanduser()
    assert s.active_sources() == ("cache", "snapshot")
    assert Settings.from_env(environ=env, fresh_minutes=30).fresh_minutes == 30


def test_none_arguments_do_not_override():
    s = Settings.from_env(environ={"SHOCKBOOK_BENCHMARK": "^IXIC"}, benchmark=None)
    assert s.benchmark == "^IXIC"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SHOCKBOOK_OFFLINE": "maybe"}, "SHOCKBOOK_OFFLINE='maybe' is not a yes/no value"),
        ({"SHOCKBOOK_YAHOO_RETRIES": "three"}, "SHOCKBOOK_YAHOO_RETRIES='three' is not a number"),
        ({"SHOCKBOOK_SOURCES": "live,bloomberg"}, "unknown price source(s) ['bloomberg']"),
        ({"SHOCKBOOK_PRICE_FIELD": "open"}, "price field must be close or adj_close"),
        ({"SHOCKBOOK_LANG": "fr"}, "language must be ko or en"),
    ],
)
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(InputError) as info:
        Settings.from_env(environ=env)
    assert message in str(info.value)


def test_every_key_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _ in Settings.keys() if name not in readme]
    assert not missing, f"README lacks settings: {missing}"
