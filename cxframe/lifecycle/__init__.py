"""The lifecycle at run time: context → plan → design → measure → improve.

* `_run`: `Run` — one pass of work over a programme, recorded in the store;
* `_walk`: `walk` — the stages in order, calling the plugins' stage hooks around each;
* `_checks`: running the registered checks, each plugin isolated;
* `_protection`: the plugins' privacy rules applied to metric results before anyone sees them;
* `_actions`: the action register and the actions proposed for findings.
"""
