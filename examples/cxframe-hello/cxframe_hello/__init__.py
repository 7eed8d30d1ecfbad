"""cxframe-hello: a small, complete cxframe plugin to learn from and copy.

It implements four of cxframe's hooks (see ``cxframe.host._hookspecs``):

* ``register_checks``: one check, ``hello.sponsor``, that passes when the
  programme names a leadership sponsor and fails with a recommendation otherwise;
* ``register_commands``: a ``cxframe hello`` command that greets the programme;
* ``stage_started`` / ``stage_finished``: hear each lifecycle stage of
  ``cxframe run`` and, when ``CXFRAME_HELLO_LOG`` names a file, append one
  line per call to it (``started context``, ``finished context ok``, ...).

cxframe finds this module through the ``cxframe`` entry-point group declared in
``pyproject.toml``; the plugin's name is the distribution name, ``cxframe-hello``.

Failure isolation demo: set ``CXFRAME_HELLO_CRASH`` to the name of a hook
(``register_checks``, ``register_commands``, ``stage_started`` or
``stage_finished``) and that hook raises ``RuntimeError("hello crashed on
purpose")``; set it to ``import`` and the module fails while loading. cxframe
reports the failure with the plugin's name and carries on without it, or exits
with code 3 under ``--strict``.

In the source file, comments starting with ``# --8<--`` mark the parts that
docs/writing-a-plugin.md quotes; they do nothing.
"""

from __future__ import annotations

import os

import click

from cxframe import (
    Check,
    CheckResult,
    CheckStatus,
    Programme,
    RunContext,
    Severity,
    Stage,
    StageOutcome,
    common_options,
    handle_errors,
    hookimpl,
    load_programme,
    state,
)

#: The file the stage hooks append to, when this variable is set.
LOG_ENV = "CXFRAME_HELLO_LOG"
#: The hook (or ``import``) that should raise, to see failure isolation at work.
CRASH_ENV = "CXFRAME_HELLO_CRASH"

SPONSOR_CHECK = "hello.sponsor"


# --8<-- [start:crash]
def _crash_if_asked(hook: str) -> None:
    """Raise when ``CXFRAME_HELLO_CRASH`` names ``hook``; do nothing otherwise."""
    if os.environ.get(CRASH_ENV) == hook:
        raise RuntimeError("hello crashed on purpose")


# A plugin module that raises while being imported is reported as
# "plugin cxframe-hello: failed to load: ..." and the command goes on without it.
_crash_if_asked("import")
# --8<-- [end:crash]


# --- register_checks: a rule over the programme ------------------------------


# --8<-- [start:checks]
def check_sponsor(run: RunContext) -> CheckResult:
    """Pass when ``[context] sponsor`` is set in ``cxframe.toml``, fail otherwise.

    A check receives the current `cxframe.RunContext` (programme, store,
    registry) and returns one or more `cxframe.CheckResult`. cxframe
    fills in ``plugin`` and, when left empty, the ``title`` and ``stage`` from
    the `cxframe.Check` below; an exception here becomes a result with
    status ``error`` instead of stopping the other checks.
    """
    sponsor = run.programme.document.context.sponsor
    if sponsor:
        return CheckResult(
            status=CheckStatus.PASS,
            evidence=(f"context.sponsor is {sponsor!r}",),
        )
    return CheckResult(
        status=CheckStatus.FAIL,
        evidence=(f"{run.programme.file}: [context] has no sponsor",),
        recommendation=(
            "Name the executive who owns the customer experience with "
            '`sponsor = "..."` under [context] in cxframe.toml: without a '
            "sponsor, improvement actions rarely get people or budget."
        ),
    )


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    """Contribute this plugin's checks (called once per command).

    ``programme`` is the open programme, or ``None`` when a command runs outside
    a programme folder. This check does not need it at registration time: it
    reads the programme when it runs. Leave the argument out of the signature
    altogether if you never use it; cxframe passes only what a hook names.
    """
    _crash_if_asked("register_checks")
    return [
        Check(
            id=SPONSOR_CHECK,  # unique across all plugins: prefix ids with your plugin's name
            title="The programme names a leadership sponsor",
            problem="The programme names no leadership sponsor",  # the finding's title when it fails
            run=check_sponsor,
            severity=Severity.HIGH,
            stage=Stage.CONTEXT,
            description="A CX programme without a leadership sponsor rarely gets its actions funded.",
        )
    ]


# --8<-- [end:checks]


# --- register_commands: a `cxframe hello` command ----------------------------


# --8<-- [start:commands]
@click.command()
@common_options  # -C/--programme and --strict, like every cxframe command
@handle_errors  # cxframe errors become a clean message; plugin failures are reported
def hello() -> None:
    """Greet the programme in the -C folder (default: the current directory)."""
    programme = load_programme(state().programme)
    click.echo(f"Hello from cxframe-hello, {programme.name}!")
    sponsor = programme.document.context.sponsor
    if sponsor:
        click.echo(f"Your leadership sponsor is {sponsor}.")
    else:
        click.echo("No leadership sponsor is named yet: run `cxframe check` to see why that matters.")


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add ``cxframe hello``; called once, when the CLI first looks up a command."""
    _crash_if_asked("register_commands")
    cli.add_command(hello)


# --8<-- [end:commands]


# --- stage_started / stage_finished: lifecycle events --------------------------


# --8<-- [start:stages]
def _log(line: str) -> None:
    """Append ``line`` to the file named by ``CXFRAME_HELLO_LOG``; do nothing when it is unset."""
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


@hookimpl
def stage_started(stage: Stage, run: RunContext) -> None:
    """Hear that ``stage`` is about to run (once per stage, in lifecycle order)."""
    _crash_if_asked("stage_started")
    _log(f"started {stage.value}")


@hookimpl
def stage_finished(stage: Stage, run: RunContext, outcome: StageOutcome) -> None:
    """Hear that ``stage`` finished; ``outcome`` holds its status, counts and messages."""
    _crash_if_asked("stage_finished")
    _log(f"finished {stage.value} {outcome.status}")


# --8<-- [end:stages]
