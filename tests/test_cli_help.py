"""`geoapp --help` in the language of GEOAPP_LANGUAGE: Swedish by default, English on request."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from geoapp.cli import main
from geoapp.cli.help import help_language, translate_help


def geoapp_help(tmp_path, *args, **env) -> str:
    """Return what `geoapp … --help` prints, run as a user would with `env` added to the environment."""
    environment = {k: v for k, v in os.environ.items() if k != "GEOAPP_LANGUAGE"}
    environment.update(GEOAPP_INSTANCE_PATH=str(tmp_path / "instance"), GEOAPP_TILES="none", **env)
    command = Path(sys.executable).with_name("geoapp")  # the installed command, named as users type it
    done = subprocess.run([str(command), *args, "--help"], capture_output=True, text=True,
                          env=environment, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_help_speaks_swedish_by_default(tmp_path):
    top = geoapp_help(tmp_path)
    assert top.startswith("Användning: geoapp [OPTIONS] COMMAND [ARGS]...")
    for line in ("Alternativ:", "Kommandon:", "Visa det här meddelandet och avsluta.", "Konton, lösenord och API-nycklar.",
                 "Registret över namngivna offentliga platser.", "geoapp: anonymiserade kartor från trygghetsvandringar"):
        assert line in top
    assert "Usage:" not in top and "Show this message" not in top and "Accounts, passwords" not in top
    serve = " ".join(geoapp_help(tmp_path, "serve", GEOAPP_LANGUAGE="sv").split())
    assert "Adress att lyssna på. [standard: 127.0.0.1]" in serve
    assert "Port att lyssna på (0 väljer en ledig). [standard: 5000; 0<=x<=65535]" in serve
    add = " ".join(geoapp_help(tmp_path, "users", "add").split())
    assert "Lägg till ett konto;" in add and "Vad kontot får göra. [krävs]" in add


def test_the_help_speaks_english_when_asked(tmp_path):
    top = geoapp_help(tmp_path, GEOAPP_LANGUAGE="en")
    assert top.startswith("Usage: geoapp [OPTIONS] COMMAND [ARGS]...")
    assert "Options:" in top and "Commands:" in top and "Accounts, passwords and API tokens." in top
    assert "Användning" not in top and "Konton" not in top
    serve = " ".join(geoapp_help(tmp_path, "serve", GEOAPP_LANGUAGE="en").split())
    assert "Address to listen on. [default: 127.0.0.1]" in serve


@pytest.mark.parametrize("written, language", [("", "sv"), ("en", "en"), (" EN ", "en"), ("fi", "sv")])
def test_the_help_language_follows_geoapp_language(written, language):
    assert help_language({"GEOAPP_LANGUAGE": written}) == language


def _texts(command: click.Command, path: str = "geoapp"):
    if command.help:
        yield path, inspect.cleandoc(command.help)
    for parameter in command.params:
        if isinstance(parameter, click.Option) and parameter.help:
            yield f"{path} {parameter.opts[-1]}", parameter.help
    for name, sub in getattr(command, "commands", {}).items():
        # Plugins' commands (Flask-Limiter's, once an app has loaded them) bring their own English.
        if (sub.callback.__module__ if sub.callback else "").startswith("geoapp."):
            yield from _texts(sub, f"{path} {name}")


def test_every_command_and_option_has_its_help_in_swedish_and_english():
    translate_help(main, "en")
    english = dict(_texts(main))
    translate_help(main, "sv")
    swedish = dict(_texts(main))
    translate_help(main, "en")
    assert dict(_texts(main)) == english  # the English is kept to start again from
    assert len(english) > 60 and "geoapp users add --role" in english
    untranslated = [path for path, text in english.items() if swedish[path] == text]
    assert untranslated == []
