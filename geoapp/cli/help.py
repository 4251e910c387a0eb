"""The command's help in the language of GEOAPP_LANGUAGE (Swedish unless en): its own texts and click's words.

Click reads the help texts when the commands are defined, in English: the docstrings of the commands and the
`help=` of their options. `pybabel extract` collects them through `extract` (see babel.cfg), and before the
command runs `translate_help` replaces each with its translation, keeping the English to start again from.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
from typing import Callable, Iterator

import click
from babel.messages.extract import extract_python
from babel.support import Translations

from geoapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, TRANSLATIONS

# Click's own words on a help page, as click writes them, so that the catalogues carry them too.
CLICK_WORDS = (N_("Usage: "), N_("Options"), N_("Commands"), N_("Arguments"), N_("Show this message and exit."),
               N_("default: {default}"), N_("required"), N_("env var: {var}"))
# The words Flask and Flask-Limiter add to the command, as they write them; were they to change, they show in English.
FLASK_WORDS = (
    N_("Load environment variables from this file, taking precedence over those set by '.env' and '.flaskenv'. "
       "Variables set directly in the environment take highest precedence. python-dotenv must be installed."),
    N_("The Flask application or factory function to load, in the form 'module:name'. Module can be a dotted import "
       "or file path. Name is not required if it is 'app', 'application', 'create_app', or 'make_app', and can be "
       "'name(args)' to pass arguments."),
    N_("Set debug mode."),
    N_("Flask-Limiter maintenance & utility commands"),
)
_EXTRA = re.compile(r"^(?P<help>.*?)(?P<gap>\s*)\[(?P<extra>[^\[\]]*)\]$", re.S)
_DECORATORS = {"command", "group"}
_PARAMETERS = {"option", "argument", "command", "group"}


def help_language(environ=os.environ) -> str:
    """Return the language of the command's help: GEOAPP_LANGUAGE when it names one, else Swedish."""
    chosen = environ.get("GEOAPP_LANGUAGE", "").strip().lower()
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def _translator(language: str) -> Callable[[str], str]:
    catalogue = Translations.load(str(TRANSLATIONS), [language])
    return lambda text: catalogue.gettext(text) if text else text


def translate_help(command: click.Command, language: str) -> None:
    """Give `command`, its options and its subcommands their help texts in `language`, and click's words too."""
    translate = _translator(language)
    english = command.__dict__.setdefault("_english_help", (command.help, command.short_help))
    command.help = translate(inspect.cleandoc(english[0])) if english[0] else english[0]
    command.short_help = translate(inspect.cleandoc(english[1])) if english[1] else english[1]
    command.context_class = _context_class(translate)
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            parameter.help = translate(parameter.__dict__.setdefault("_english_help", parameter.help))
    for subcommand in getattr(command, "commands", {}).values():
        translate_help(subcommand, language)


def _context_class(translate: Callable[[str], str]) -> type[click.Context]:
    class Formatter(click.HelpFormatter):
        """Click's help page with its headings and its [default: …] notes in the command's language."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, translate(prefix if prefix is not None else "Usage: "))

        def section(self, name: str):
            return super().section(translate(name))

        def write_dl(self, rows, *args, **kwargs) -> None:
            super().write_dl([(term, _with_extras(text, translate)) for term, text in rows], *args, **kwargs)

    return type("Context", (click.Context,), {"formatter_class": Formatter})


def _with_extras(text: str, translate: Callable[[str], str]) -> str:
    """Translate an option's help as click shows it, 'help  [default: x; required]', part by part."""
    match = _EXTRA.match(text)
    if match is None:
        return translate(text)
    extras = []
    for item in match["extra"].split("; "):
        label, colon, value = item.partition(": ")
        if colon and label in ("default", "env var"):
            key = "default: {default}" if label == "default" else "env var: {var}"
            extras.append(translate(key).format(default=value, var=value))
        else:
            extras.append(translate(item))
    return f"{translate(match['help'])}{match['gap']}[{'; '.join(extras)}]"


def extract(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Extract a command module's messages for the catalogues: its gettext calls, and click's help texts."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_called(d) in _DECORATORS for d in node.decorator_list):
            docstring = ast.get_docstring(node)
            if docstring:
                yield node.lineno, "gettext", docstring, []
        elif isinstance(node, ast.Call) and _called(node) in _PARAMETERS:
            for keyword in node.keywords:
                if keyword.arg in ("help", "short_help") and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str):
                    yield node.lineno, "gettext", inspect.cleandoc(keyword.value.value), []


def _called(node) -> str | None:
    """Return the name a call or a decorator calls (`command` for @main.command(…)), or None."""
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else None
