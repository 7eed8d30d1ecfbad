"""The ``cxframe`` command line: a thin layer over the Python API.

One module per area; each command calls one function of `cxframe.api` and
prints what it returns (as tables, or with ``--json`` in the shapes of
`cxframe.contracts._shapes`). Nothing here reads the store or writes SQL: a
test holds every module to that. Plugin commands (``register_commands``)
are added when the group first lists or looks up its commands, never at
import time.
"""

from __future__ import annotations

import os
from typing import Any

import click

from cxframe._version import __version__
from cxframe.cli import assess, check, collect, export, measure, plan, plugins, programme, run
from cxframe.cli._common import State, common_options, echo_warning, emit_json, handle_errors, json_option, state

BUILTIN_COMMANDS: list[click.Command] = [
    programme.init,
    programme.validate,
    programme.schema,
    programme.demo,
    plugins.plugins,
    collect.collect,
    collect.forget,
    measure.measure,
    export.export,
    plan.plan,
    check.check,
    run.run,
    assess.assess,
    assess.report,
]


class CxframeGroup(click.Group):
    """A group whose commands are the built-ins plus whatever plugins add."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        current = state(ctx)
        cache: dict[str, click.Command] | None = ctx.meta.get("cxframe.plugin_commands")
        if cache is None:
            collector = click.Group("plugins")
            host = current.plugins()
            before = len(host.failures)
            host.call("register_commands", cli=collector)
            # commands answer before handle_errors could report this, so say it now
            for failure in host.failures[before:]:
                echo_warning(str(failure))
            cache = {}
            for name, command in collector.commands.items():
                if name in self.commands:
                    click.secho(
                        f"warning: a plugin's command {name!r} is ignored: a built-in has that name",
                        fg="yellow",
                        err=True,
                    )
                else:
                    cache[name] = command
            ctx.meta["cxframe.plugin_commands"] = cache
        return cache

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or self._plugin_commands(ctx).get(cmd_name)


@click.group(cls=CxframeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cxframe")
@common_options
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of plugin failures.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Run a customer-experience programme: context, plan, design, measure, improve."""
    state(ctx).verbose = verbose or state(ctx).verbose


for _command in BUILTIN_COMMANDS:
    cli.add_command(_command)


def main(args: list[str] | None = None, **kwargs: Any) -> Any:
    """Console-script entry point."""
    _memory_back_to_the_system()
    return cli.main(args=args, prog_name="cxframe", obj=State(), **kwargs)


def _memory_back_to_the_system() -> None:
    """pyarrow's buffers from the C allocator, which returns freed blocks to the system (docs/performance.md).

    Process-wide, so only in the command's own process (not for a library
    caller), and only where the user has not chosen (``ARROW_DEFAULT_MEMORY_POOL``).
    """
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.system_memory_pool())


#: What plugin commands may use to behave like the built-in ones.
__all__ = ["State", "cli", "common_options", "emit_json", "handle_errors", "json_option", "main", "state"]
