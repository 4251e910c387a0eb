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


@pytest.mark.parametrize("raw", ["0", "65", "two", "1.5", ""])
def test_workers_outside_1_to_64_are_refused(raw):
    with pytest.raises(config.ConfigError, match="GEOAPP_WORKERS: expected a whole number from 1 to 64"):
        config.resolve(environ={"GEOAPP_WORKERS": raw})


def test_workers_default_to_one_process():
    assert config.resolve(environ={})["WORKERS"] == 1
    assert config.resolve(environ={"GEOAPP_WORKERS": " 4 "})["WORKERS"] == 4


def test_workers_given_to_the_app_directly_are_checked_too():
    with pytest.raises(config.ConfigError, match="GEOAPP_WORKERS is 0"):
        config.check(config.resolve({"WORKERS": 0}, environ={}))


@pytest.mark.parametrize("raw", ["-1", "11", "one", ""])
def test_trusted_proxies_outside_0_to_10_are_refused(raw):
    with pytest.raises(config.ConfigError, match="GEOAPP_TRUSTED_PROXIES: expected a whole number from 0 to 10"):
        config.resolve(environ={"GEOAPP_TRUSTED_PROXIES": raw})


def test_tiles_are_unset_by_default_so_an_imported_basemap_is_used():
    assert config.resolve(environ={})["TILES"] is None
    assert config.resolve(environ={"GEOAPP_TILES": "local"})["TILES"] == "local"


@pytest.mark.parametrize("raw", ["0", "-5", "big"])
def test_a_basemap_size_limit_below_one_mib_is_refused(raw):
    with pytest.raises(config.ConfigError, match="GEOAPP_BASEMAP_MAX_MB"):
        config.resolve(environ={"GEOAPP_BASEMAP_MAX_MB": raw})
    assert config.resolve(environ={"GEOAPP_BASEMAP_MAX_MB": "512"})["BASEMAP_MAX_MB"] == 512
