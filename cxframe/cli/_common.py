"""What every command shares: the ``-C``/``--strict`` options, the plugin host,
error reporting and JSON output. Defined once, used by every command module.
"""

from __future__ import annotations

import functools
import json
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click
from rich.console import Console

from cxframe.api import on_spark_start as api_on_spark_start
from cxframe.api import on_store_wait as api_on_store_wait
from cxframe.contracts._errors import (
    CxframeError,
    PluginNotice,
    SettingRenamedWarning,
    StorePermissionWarning,
    UnknownPluginSettingsWarning,
)
from cxframe.host._manager import PluginFailure, PluginHost, load_plugins

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code when a plugin failed and ``--strict`` was given.
EXIT_PLUGIN_FAILED = 3


@attrs.define
class State:
    """Per-invocation settings; tests may pass one with a prepared ``host``."""

    programme: Path = Path(".")
    strict: bool = False
    verbose: bool = False
    host: PluginHost | None = None
    #: the plugin failures already printed (a load failure, as soon as the plugins are loaded)
    shown: list[PluginFailure] = attrs.field(factory=list)
    _announced: bool = False

    def plugins(self, *, lists_failures: bool = False) -> PluginHost:
        """The plugin host; the first call prints each plugin that failed to load.

        Before anything else: the command's own messages (an unknown collector,
        settings nobody reads) are often that failure's consequences. A
        command that lists plugin failures itself (``validate``, among its
        problems) passes ``lists_failures`` and marks what it printed as
        `shown`; any it did not list are printed at the end, as usual.
        """
        if self.host is None:
            self.host = load_plugins()
        if not self._announced:
            self._announced = True
            for note in self.host.notes:
                echo_warning(note)
            for failure in self.host.failures:
                if failure.hook == "load" and not lists_failures:
                    _print_failure(failure, self.verbose)
                    self.shown.append(failure)
        return self.host


def state(ctx: click.Context | None = None) -> State:
    ctx = ctx or click.get_current_context()
    return ctx.ensure_object(State)


def _set_programme(ctx: click.Context, _: click.Parameter, value: Path | None) -> None:
    if value is not None:
        state(ctx).programme = value


def _set_strict(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        state(ctx).strict = True


def common_options(command: F) -> F:
    """``-C/--programme DIR`` and ``--strict``, accepted by every command."""
    command = click.option(
        "--strict",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_strict,
        help="Fail (exit 3) when any plugin failed to load or a hook raised.",
    )(command)
    command = click.option(
        "-C",
        "--programme",
        type=click.Path(file_okay=False, path_type=Path),
        expose_value=False,
        is_eager=True,
        callback=_set_programme,
        help="Programme folder to work in (default: the current directory).",
    )(command)
    return command


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


@attrs.frozen
class EngineChoice:
    """Where a command computes: ``--engine``, and for Spark ``--parquet DIR`` and ``--master URL``."""

    engine: str = "sqlite"
    parquet: str | None = None
    master: str | None = None

    def keywords(self) -> dict[str, Any]:
        """The API's ``engine``, ``parquet`` and ``master`` keywords."""
        return {"engine": self.engine, "parquet": self.parquet, "master": self.master}


def engine_options(command: F) -> F:
    """``--engine sqlite|spark``, ``--parquet DIR``, ``--master URL``, passed to the command as ``engine``."""

    @click.option(
        "--engine",
        type=click.Choice(["sqlite", "spark"]),
        default="sqlite",
        show_default=True,
        help="Where to compute: the programme's SQLite store, or Spark SQL over a Parquet export (--parquet).",
    )
    @click.option(
        "--parquet",
        metavar="DIR",
        help="With --engine spark: the folder `cxframe export --format parquet DIR` wrote (a path or a URI Spark reads).",
    )
    @click.option(
        "--master",
        metavar="URL",
        help="With --engine spark: the Spark master [default: [settings] spark_master, else local[*]].",
    )
    @functools.wraps(command)
    def wrapper(engine: str, parquet: str | None, master: str | None, **kwargs: Any) -> Any:
        if engine == "spark" and parquet is None:
            raise click.UsageError(
                "--engine spark needs --parquet DIR (write one with `cxframe export --format parquet DIR`)"
            )
        if engine != "spark" and (parquet is not None or master is not None):
            raise click.UsageError("--parquet and --master go with --engine spark")
        return command(engine=EngineChoice(engine, parquet, master), **kwargs)

    return wrapper  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


#: A relative path that leaves the current directory (``../cxframe.toml``), where a path starts.
_OUTSIDE = re.compile(r"(?<![\w./~-])(?:\.\./)+[^\s:;,'\"()]*")


def _current_folders() -> list[str]:
    """The current directory as a path may spell it: as the shell set it, and resolved (symbolic links followed)."""
    folders = {os.getcwd(), str(Path.cwd().resolve())}
    return [folder for folder in folders if folder != os.sep]  # under "/" every path is "inside" it


def shown_paths(text: str) -> str:
    """``text`` with every absolute path inside the current directory written relative to it.

    Messages name files as the code came by them: as typed, joined to the
    programme folder, or resolved to an absolute path. Where a line is
    printed, one rule holds for all of them: a file inside the current
    directory is named relative to it (``data/x.csv``, as ``cxframe
    validate`` names the programme file), any other by its absolute path
    (``-C ..`` names ``../cxframe.toml``: shown as ``/srv/cx/cxframe.toml``).
    The current directory itself stays absolute ("the folder /srv/cx is
    read-only" says more than ".").
    """
    text = _OUTSIDE.sub(lambda found: os.path.abspath(found.group(0)), text)
    for folder in _current_folders():
        # only where a path starts (not inside another path or a URI) and only with something after the separator
        text = re.sub(rf"(?<![\w./~-]){re.escape(folder + os.sep)}(?=[^\s{re.escape(os.sep)}])", "", text)
    return text


def echo_error(line: str) -> None:
    """One ``error:`` line on stderr, its paths shown by `shown_paths`."""
    click.secho(f"error: {shown_paths(line)}", fg="red", err=True)


def echo_warning(line: str) -> None:
    """One ``warning:`` line on stderr, its paths shown by `shown_paths`."""
    click.secho(f"warning: {shown_paths(line)}", fg="yellow", err=True)


def report_failures(ctx: click.Context) -> None:
    """Print plugin failures; exit 3 under ``--strict`` when there were any."""
    current = state(ctx)
    host = current.host
    if host is None or not host.failures:
        return
    for failure in _not_shown(current, host):
        _print_failure(failure, current.verbose)
    if current.strict:
        click.secho(f"error: {len(host.failures)} plugin failure(s) under --strict", fg="red", err=True)
        ctx.exit(EXIT_PLUGIN_FAILED)


def handle_errors(command: F) -> F:
    """Turn `CxframeError` into a clear message and exit code, and report plugin failures."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        api_on_store_wait(_say_waiting)
        api_on_spark_start(_say_starting_spark)
        try:
            with warnings.catch_warnings():
                _store_warnings_to_stderr(ctx)
                result = command(*args, **kwargs)
        except CxframeError as exc:
            for line in str(exc).splitlines():
                echo_error(line)
            detail = getattr(exc, "detail", "")
            if detail and state(ctx).verbose:
                click.echo(detail, err=True)
            report_failures_quietly(ctx)
            ctx.exit(exc.exit_code)
        report_failures(ctx)
        return result

    return wrapper  # type: ignore[return-value]


def _say_starting_spark(master: str) -> None:
    where = "local JVM" if master.startswith("local") else f"master {master}"
    click.echo(f"starting Spark ({where})…", err=True)


def _say_waiting(path: str) -> None:
    click.echo(f"waiting for another cxframe command to finish writing to {path} …", err=True)


#: cxframe's own warnings, printed as ``warning:`` lines on stderr once per command.
SHOWN_AS_WARNINGS = (StorePermissionWarning, SettingRenamedWarning, UnknownPluginSettingsWarning)


def _store_warnings_to_stderr(ctx: click.Context) -> None:
    """Print cxframe's warnings (`SHOWN_AS_WARNINGS`) like the CLI's other warnings, once per command; call in ``catch_warnings``.

    Once per command, not once per opening: a command may open the store
    several times (``demo`` collects, assesses and reports). Python's own
    filter would show it once per process, and a command's ``--json`` output
    on stdout must stay JSON, so it goes to stderr. Other warnings are shown
    as Python would have shown them.
    """
    shown: set[str] = ctx.find_root().meta.setdefault("cxframe.store_warnings", set())
    python_shows = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, PluginNotice):
            if str(message) not in shown:  # a plugin's note to the user: a plain line, no "warning:"
                shown.add(str(message))
                click.echo(shown_paths(str(message)), err=True)
        elif not issubclass(category, SHOWN_AS_WARNINGS):
            python_shows(message, category, *args, **kwargs)
        elif str(message) not in shown:
            shown.add(str(message))
            echo_warning(str(message))

    for category in (*SHOWN_AS_WARNINGS, PluginNotice):
        warnings.simplefilter("always", category)
    warnings.showwarning = show


def report_failures_quietly(ctx: click.Context) -> None:
    current = state(ctx)
    if current.host is not None:
        for failure in _not_shown(current, current.host):
            echo_warning(str(failure))


def _not_shown(current: State, host: PluginHost) -> list[PluginFailure]:
    """The failures not printed yet (by identity: one hook may fail the same way twice, and both are listed)."""
    shown = {id(failure) for failure in current.shown}
    return [failure for failure in host.failures if id(failure) not in shown]


def _print_failure(failure: PluginFailure, verbose: bool) -> None:
    echo_warning(str(failure))
    if verbose and failure.detail:
        click.echo(failure.detail, err=True)
