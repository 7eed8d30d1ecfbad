"""Errors cxframe raises on purpose, each carrying what a user needs to fix it.

Every error here is meant to be shown to a person: the CLI prints ``str(error)``
and exits non-zero, never a traceback. The warnings here are shown the same
way (``warning: …``) without stopping the command; a `PluginNotice` is a
plain line.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable


class CxframeError(Exception):
    """Base class: a problem the user can act on."""

    exit_code = 1


class InvalidInput(CxframeError):
    """Input that does not match what was expected.

    ``messages`` holds one line per problem, each starting with where it is
    (``cxframe.toml: journeys[2].stages[0].touchpoints: expected a list``).
    With ``where``, each message is prefixed with it, once: a message that
    already starts with it (one passed on from a lower layer) is kept as it is.

    ``plugin`` is the plugin whose hook raised it, set by the plugin host as
    it passes through (None for the core's own): ``cxframe plugins`` lists
    a plugin's settings problem with that plugin.
    """

    plugin: str | None = None

    def __init__(self, messages: Iterable[str], *, where: str | None = None) -> None:
        self.messages = list(messages)
        if where:
            self.messages = [m if m.startswith(f"{where}: ") else f"{where}: {m}" for m in self.messages]
        super().__init__("\n".join(self.messages))

    def __reduce__(self) -> tuple[type[InvalidInput], tuple[list[str]]]:
        # the messages already say where: pickled (from the ingest's reading process) as they are
        return InvalidInput, (self.messages,)


class PluginConflict(CxframeError):
    """Two plugins registered the same id for the same kind of thing."""


class ForgetFailed(CxframeError):
    """``cxframe forget`` could not forget a source, because a plugin could not forget what it derived from it.

    Raised when a plugin's ``source_forgotten`` hook raises: the whole
    forget is rolled back (the core's rows and every plugin's stay as they
    were), so a source is never half forgotten. The message names each
    plugin and its error; ``failures`` holds them as ``(plugin, error)``,
    ``detail`` their tracebacks (the CLI shows them with ``-v``).
    """

    def __init__(self, source: str, failures: Iterable[tuple[str, str]], *, detail: str = "") -> None:
        self.source = source
        self.failures = list(failures)
        self.detail = detail
        named = "; ".join(f"plugin {plugin}: {error}" for plugin, error in self.failures)
        super().__init__(
            f"cannot forget {source!r}: {named}. Nothing was forgotten: the store is as it was. "
            "Fix or upgrade the plugin and run `cxframe forget` again (leaving the plugin out with "
            "CXFRAME_LOAD_PLUGINS would forget the source but keep that plugin's rows of it)"
        )


class StoreError(CxframeError):
    """The store cannot be used as it is (e.g. written by a newer cxframe)."""


class ReadOnlyError(StoreError):
    """A command must write to a store or folder that is read-only for this account.

    The message names the file or folder and what would let the command
    write (make it writable, or work on a copy; for reports, ``--out DIR``).
    Commands that only read work on a read-only programme folder.
    """


class StorePermissionWarning(UserWarning):
    """The store's file lets other accounts on the machine read or change it (group or other permissions).

    A warning, not an error: the mode was someone's choice, and cxframe
    never changes it. The message names each file and the ``chmod`` that
    makes it private; the CLI prints it once per command on stderr.
    """


class UnknownId(CxframeError):
    """A collector, metric, check, assessment or reporter id nobody registered."""

    def __init__(self, kind: str, wanted: str, known: Iterable[str], missing: str = "") -> None:
        known_list = sorted(known)
        hint = ", ".join(known_list) if known_list else "none are registered"
        # ``missing``: the plugins that failed before registering theirs, the likelier cause than a typo
        super().__init__(f"unknown {kind} {wanted!r} (known: {hint})" + (f"; {missing}" if missing else ""))


class UnknownPluginSettingsWarning(UserWarning):
    """The programme file has a ``[plugins.NAME]`` table and no installed plugin is called NAME.

    Usually a typo (``cxframe-improv``), sometimes a plugin not installed
    here. Its settings would be silently ignored, so every command warns
    (the CLI prints it once per command on stderr) and ``cxframe validate``
    reports it as a problem.
    """


class SettingRenamedWarning(UserWarning):
    """A setting in the programme file is written under an old name that is still read.

    The message names the source, the old and the new name; the CLI prints
    it once per command on stderr, as a ``warning:`` line.
    """


class PluginNotice(UserWarning):
    """A plugin's one-line note to the person running the command: what it did that they would not see otherwise.

    ``warnings.warn(cxframe.PluginNotice("loop: 25 cases opened"), stacklevel=2)``
    from a hook (``collect_finished``, say). Not a problem: the CLI prints the
    text as it is on stderr (so ``--json`` stays clean), once per command,
    without ``warning:``. From Python it is silent (cxframe filters it out
    when imported); ``warnings.simplefilter("always", cxframe.PluginNotice)``
    shows it, and ``warnings.catch_warnings(record=True)`` collects it.
    """


# silent unless asked for (from Python) or shown by the CLI (which sets its own filter for the command's run)
warnings.filterwarnings("ignore", category=PluginNotice)
