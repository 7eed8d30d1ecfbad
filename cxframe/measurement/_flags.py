"""The flags a metric's result can carry, in one place: the engine sets them, reports say them in words."""

SMALL_SAMPLE = "small_sample"
WEIGHTED = "weighted"
NO_INTERVAL = "no_interval"
#: a mean whose answers are all the same: no interval (it would collapse to a point) and no test
NO_VARIANCE = "no_variance"
#: some respondents answered more than once in the group (their count is `MetricResult.repeat_respondents`)
REPEAT_RESPONDENTS = "repeat_respondents"
#: a median's group had survey weights: the median is of the values as they are (weights are not used)
WEIGHTS_IGNORED = "weights_ignored"
