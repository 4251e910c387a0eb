"""Settings: defaults, environment overrides, and the README's table kept in step."""

from __future__ import annotations

import pytest

from geoapp import config
from tests.conftest import ROOT


def test_environment_overrides_defaults():
    values = config.resolve(environ={"GEOAPP_TILES": "none", "GEOAPP_LOAD_DEFAULT_AREAS": "no"})
    assert values["TILES"] == "none"
    assert values["LOAD_DEFAULT_AREAS"] is False


def test_bad_value_names_the_variable():
    with pytest.raises(config.ConfigError, match="GEOAPP_LOAD_DEFAULT_AREAS"):
        config.resolve(environ={"GEOAPP_LOAD_DEFAULT_AREAS": "maybe"})


def test_readme_lists_every_setting_as_generated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert config.markdown_table() in readme, "run `geoapp config --markdown` and paste the table into README.md"


def test_cli_prints_the_same_table(runner):
    result = runner("config", "--markdown")
    assert result.exit_code == 0
    assert result.output.strip() == config.markdown_table()
