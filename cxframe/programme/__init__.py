"""The programme folder: the programme file (``cxframe.toml``), new programmes, and the worked examples.

* `_file`: loading and validating ``cxframe.toml`` into a `Programme`;
* `_scaffold`: ``cxframe init`` — a new programme folder from a template or an example;
* `examples`: the worked examples (a starter, a retail bank, a telecom) and the generators of their data.
"""
