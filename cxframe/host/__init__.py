"""The plugin host: pluggy's manager, the hook specifications, and the registry of what plugins contributed.

* `_hookspecs`: every hook a plugin can implement, with what it is for, when it is called and what to return;
* `_manager`: loading plugins from the ``cxframe`` entry-point group and calling hooks through pluggy;
* `_isolation`: what keeps each plugin isolated inside pluggy's call (a plugin that raises is recorded, not raised);
* `_registry`: collecting collectors, metrics, checks, assessments, reporters and report sections by id.
"""
