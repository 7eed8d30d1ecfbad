"""Measuring: metric definitions computed where the data lives, with honest intervals.

* `_engine`: `Engine`, `SQLiteEngine`, `compute_metric` — one set-based query per metric, grouped by segment and period;
* `_intervals`: confidence intervals right for each metric (NPS trinomial, Wilson, t, weighted);
* `_comparisons`: differences between groups and periods with their significance tests;
* `_windows`: a metric in the days before a date against the days from it, and a difference-in-differences;
* `_trend`: a metric's slope across periods per segment, and which periods the data cover only in part.

Privacy rules plugins apply to results before anyone sees them are called from
the lifecycle (`cxframe.lifecycle._protection`): they are the plugins' hooks.
"""
