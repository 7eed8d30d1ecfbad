"""``cxframe init``, ``validate``, ``schema`` and ``demo``: the programme folder."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cxframe import api
from cxframe.cli import assess as assess_command
from cxframe.cli._common import common_options, console, handle_errors, shown_paths, state
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._jsonschema import CONTRACTS, json_schema
from cxframe.programme._scaffold import EXAMPLES, init_programme


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--example", type=click.Choice(sorted(EXAMPLES)), help="Write a worked example with generated data.")
@click.option("--force", is_flag=True, help="Overwrite an existing programme file.")
@click.option(
    "--from",
    "from_files",
    multiple=True,
    metavar="FILE",
    help="An export to start from (repeatable): recognised, and written as a [[sources]] entry to edit.",
)
@common_options
@handle_errors
def init(directory: Path | None, example: str | None, force: bool, from_files: tuple[str, ...]) -> None:
    """Write a new programme folder (DIRECTORY, default: the -C folder)."""
    target = directory or state().programme
    if from_files:
        file = api.init_programme(
            target,
            example=example,
            force=force,
            from_files=from_files,
            host=state().plugins(),
            on_detected=lambda name, detection: click.echo("\n".join(detection.describe(name))),
        )
        click.echo(f"wrote {file} with {len(from_files)} [[sources]] entr{'y' if len(from_files) == 1 else 'ies'}")
    else:
        file = init_programme(target, example=example, force=force)
        click.echo(f"wrote {file}")
    click.echo(f"next: cxframe -C {target} validate")


@click.command()
@common_options
@handle_errors
def validate() -> None:
    """Check the programme file, its sources and plugins; print every problem (exit 1 if any).

    A plugin that failed to load is a problem, listed first: its
    collectors, metrics and checks cannot run.
    """
    current = state()
    host = current.plugins(lists_failures=True)
    problems = api.validate(current.programme, host=host)
    # a plugin failure is one of the problems (a plugin that failed to load first): printed with them, once
    listed = [failure for failure in host.failures if str(failure) in problems]
    current.shown.extend(listed)
    failures = {str(failure): failure for failure in listed}
    if problems:
        for problem in problems:
            click.secho(shown_paths(problem), fg="red", err=True)
            failure = failures.get(problem)
            if failure is not None and failure.detail and current.verbose:
                click.echo(failure.detail, err=True)
        raise InvalidInput([f"{len(problems)} problem(s) found"])
    click.echo(shown_paths(f"{current.programme / 'cxframe.toml'}: valid"))


@click.command()
@click.argument("name", required=False)
@common_options
@handle_errors
def schema(name: str | None) -> None:
    """Print the JSON Schema of contract NAME, or of the assessment document (NAME "assessment"); list the names."""
    from cxframe.assessment._schema import DOCUMENT_SCHEMA

    if name is None:
        for contract in CONTRACTS:
            click.echo(contract)
        click.echo("assessment")
        return
    if name.lower() == "assessment":
        click.echo(json.dumps(DOCUMENT_SCHEMA, indent=2))
        return
    matches = {key.lower(): key for key in CONTRACTS}
    if name.lower() not in matches:
        raise InvalidInput([f"unknown contract {name!r} (contracts: {', '.join(CONTRACTS)}, assessment)"])
    click.echo(json.dumps(json_schema(CONTRACTS[matches[name.lower()]]), indent=2))


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--example", type=click.Choice(sorted(EXAMPLES)), default="retail-bank", show_default=True)
@common_options
@handle_errors
def demo(directory: Path | None, example: str) -> None:
    """Write a worked example programme to DIRECTORY, collect its data and assess it.

    DIRECTORY defaults to cxframe-demo for the retail bank and to
    cxframe-demo-EXAMPLE for the others, so each example has its own folder.
    """
    current = state()
    out = console()
    if directory is None:
        directory = Path("cxframe-demo" if example == "retail-bank" else f"cxframe-demo-{example}")
    if (directory / "cxframe.toml").exists():
        if not api.is_example(directory, example):
            raise click.UsageError(
                f"{directory} holds another programme than the {example!r} example; "
                f"give the example its own folder: cxframe demo --example {example} cxframe-demo-{example}"
            )
        out.print(f"using the example already in {directory}")
    else:
        init_programme(directory, example=example)
        out.print(f"wrote the {example!r} example to {directory}")
    host = current.plugins()
    for summary in api.collect(directory, host=host):
        out.print(summary.describe())
    with out.status("assessing…") as status:
        document = api.assess(directory, host=host, progress=lambda message: status.update(f"assessing: {message}"))
    written = api.report(directory, document=document, host=host)
    assess_command.summary(out, document)
    for path in written:
        out.print(f"wrote {path}")
    out.print(
        f"\nThe store is {directory / 'cxframe.db'}; open {directory / 'reports' / 'assessment.html'} in a browser, "
        f"or try `cxframe -C {directory} measure --by region`."
    )
