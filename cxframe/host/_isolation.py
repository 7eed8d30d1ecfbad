"""Each plugin isolated inside pluggy's own call loop.

pluggy calls a hook in one loop: wrappers (``wrapper=True`` and old-style
``hookwrapper=True``) around the plain implementations, ``firstresult`` and
``historic`` hooks, hook-call monitoring. A plugin that raises would end that
loop for every plugin, so the host registers a `StandIn` for each plugin: the
plugin's hook implementations with the same names, options and arguments,
each wrapped so that it reports its own exception (and stays out of the
results) instead of raising it, and reports every answer it gives with the
plugin's name. pluggy then calls the stand-ins like any plugin.

Why stand-ins and not the two alternatives:

* calling plugins one at a time (``pm.subset_hook_caller``) runs every wrapper
  once per plugin, shows it one answer at a time, and leaves ``firstresult``
  and ``historic`` for the host to re-implement;
* replacing ``HookImpl.function`` once registered changes what pluggy
  declares final, and comes too late for a ``historic`` hook, which pluggy
  replays to a plugin while it registers it.

`cxframe.InvalidInput` is not isolated: it says the user's input is wrong, and
going on without the plugin would give results that only look complete. It is
passed on naming the plugin it came from (``InvalidInput.plugin``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator
from typing import Any

import pluggy

from cxframe.contracts._errors import InvalidInput

#: ``failed(plugin, hook, error)``: record a plugin's failure.
Failed = Callable[[str, str, BaseException], object]
#: ``answered(plugin, hook, result)``: note a plugin's non-``None`` result.
Answered = Callable[[str, str, Any], object]
#: ``blame(error)``: name the plugin an `InvalidInput` passing through its hook came from.
Blame = Callable[[InvalidInput], object]


class StandIn:
    """What the host registers with pluggy in place of a plugin: its hook implementations, isolated.

    The plugin object itself is `original`.
    """

    def __init__(self, original: object, hooks: dict[str, Callable[..., Any]]) -> None:
        self.original = original
        vars(self).update(hooks)

    def __repr__(self) -> str:
        return repr(self.original)  # pluggy's messages name the plugin as users wrote it


def stand_in(pm: pluggy.PluginManager, plugin: object, name: str, failed: Failed, answered: Answered) -> StandIn:
    """A `StandIn` for ``plugin``, registered (by the caller) as ``name``."""
    hooks: dict[str, Callable[..., Any]] = {}
    for attribute in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attribute)
        if opts is None:
            continue
        function = getattr(plugin, attribute)
        hook = opts.get("specname") or attribute
        fail = functools.partial(failed, name, hook)
        blame = functools.partial(_blame, name)
        if not (opts.get("wrapper") or opts.get("hookwrapper")):
            hooks[attribute] = _plain(function, fail, functools.partial(answered, name, hook), blame)
        elif not inspect.isgeneratorfunction(function):
            hooks[attribute] = function  # pluggy refuses it, with its own message
        elif opts.get("wrapper"):
            hooks[attribute] = _wrapper(function, fail, blame)
        else:
            hooks[attribute] = _hookwrapper(function, fail, blame)
    return StandIn(plugin, hooks)


def _blame(plugin: str, error: InvalidInput) -> None:
    """Name the plugin an `InvalidInput` came from, once: the innermost (the one that raised it) is the first."""
    if error.plugin is None:
        error.plugin = plugin


# functools.wraps keeps the hookimpl marker (in __dict__) and, through __wrapped__, the argument
# names pluggy reads: each plugin still gets only the arguments it names.


def _plain(
    function: Callable[..., Any],
    fail: Callable[[BaseException], object],
    answer: Callable[[Any], object],
    blame: Blame,
) -> Callable[..., Any]:
    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Any:
        try:
            result = function(*args, **kwargs)
        except InvalidInput as error:
            blame(error)
            raise
        except Exception as exc:
            fail(exc)
            return None  # pluggy leaves None out of the results (and asks the next plugin of a firstresult hook)
        if result is not None:
            answer(result)
        return result

    return isolated


def _setup_error(exc: Exception) -> Exception:
    return RuntimeError("the wrapper did not yield") if isinstance(exc, StopIteration) else exc


def _wrapper(function: Callable[..., Any], fail: Callable[[BaseException], object], blame: Blame) -> Callable[..., Any]:
    """A ``wrapper=True`` implementation that, when it raises, is left out of the call and recorded."""

    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Generator[None, Any, Any]:
        try:
            teardown = function(*args, **kwargs)
            next(teardown)
        except InvalidInput as error:
            blame(error)
            raise
        except Exception as exc:
            fail(_setup_error(exc))
            return (yield)  # as if the wrapper were not there
        raised: BaseException | None = None
        result = None
        try:
            result = yield
        except GeneratorExit:
            teardown.close()
            raise
        except BaseException as exc:  # the call raised (InvalidInput, say): the wrapper sees it, as in pluggy
            raised = exc
        try:
            if raised is None:
                teardown.send(result)
            else:
                teardown.throw(raised)
        except StopIteration as stop:
            return stop.value
        except InvalidInput as error:
            blame(error)
            raise
        except Exception as exc:
            if exc is raised:
                raise
            fail(exc)
        else:
            teardown.close()
            fail(RuntimeError("the wrapper yielded more than once"))
        if raised is not None:
            raise raised
        return result

    return isolated


def _hookwrapper(
    function: Callable[..., Any], fail: Callable[[BaseException], object], blame: Blame
) -> Callable[..., Any]:
    """An old-style ``hookwrapper=True`` implementation, isolated like `_wrapper`.

    Its teardown gets pluggy's `pluggy.Result`; when it raises after
    ``force_result``, the forced result stands.
    """

    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Generator[None, pluggy.Result[Any], None]:
        try:
            teardown = function(*args, **kwargs)
            next(teardown)
        except InvalidInput as error:
            blame(error)
            raise
        except Exception as exc:
            fail(_setup_error(exc))
            yield
            return
        outcome = yield
        try:
            teardown.send(outcome)
        except StopIteration:
            return
        except InvalidInput as error:
            blame(error)
            raise
        except Exception as exc:
            if exc is outcome.exception:  # get_result() raised the call's own error
                raise
            fail(exc)
        else:
            teardown.close()
            fail(RuntimeError("the wrapper yielded more than once"))

    return isolated


def pair(answers: list[tuple[str, Any]], results: list[Any], wrappers: list[str]) -> list[tuple[str, Any]]:
    """Name the plugin behind each of the results pluggy returned.

    :param answers: ``(plugin, result)`` for every non-``None`` result, in the order the plugins answered.
    :param results: what the hook call returned, after any wrapper.
    :param wrappers: the plugins with a wrapper on the hook, innermost first.

    A result is the plugin's that returned that very object. A wrapper that
    replaced results but kept one per plugin (in pluggy's order) leaves each
    in its plugin's place; a result a wrapper added is credited to the
    outermost wrapper.
    """
    unclaimed = list(answers)
    paired = []
    for position, result in enumerate(results):
        found = next((i for i, (_, answer) in enumerate(unclaimed) if answer is result), None)
        if found is not None:
            plugin = unclaimed.pop(found)[0]
        elif len(results) == len(answers):
            plugin = answers[position][0]
        else:
            plugin = wrappers[-1] if wrappers else "?"
        paired.append((plugin, result))
    return paired
