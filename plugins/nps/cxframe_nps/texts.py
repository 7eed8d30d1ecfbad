"""The survey plugin's generated sentences, in every language of the reports (`cxframe.Catalogue`).

Checks write their titles, evidence and recommendations, and the survey metrics
their titles, as ``say(key, **values)``: a `cxframe.Text` whose English is what
``cxframe check`` prints and the assessment document stores, and which the
reports say in the reader's language. Names (journeys, stages, metric ids,
segment columns) go in as values and are never translated. A check's title is
keyed ``<check id>.title`` (`titled` uses it while the English is the check's own).
"""

from __future__ import annotations

from cxframe import Catalogue

__all__ = ["say", "titled"]

say = Catalogue.by_key(
    {
        # --- metric titles ------------------------------------------------------------------------------------
        "metric.nps": {"en": "Net Promoter Score", "zh-CN": "净推荐值（NPS）"},
        "metric.csat": {"en": "Customer satisfaction (top-two-box)", "zh-CN": "客户满意度（前两格占比）"},
        "metric.ces": {"en": "Customer Effort Score (mean)", "zh-CN": "客户费力度（均值）"},
        "metric.ces_easy": {"en": "Customer effort: share easy", "zh-CN": "客户费力度：认为容易的比例"},
        "metric.enps": {"en": "Employee Net Promoter Score", "zh-CN": "员工净推荐值（eNPS）"},
        # --- check titles -------------------------------------------------------------------------------------
        "nps.beyond-headline.title": {"en": "Measurement goes beyond NPS/CSAT", "zh-CN": "测量不止于 NPS/CSAT"},
        "nps.segmented.title": {"en": "Results can be segmented", "zh-CN": "结果可以按细分群体比较"},
        "nps.kpi-link.title": {"en": "A CX metric is tied to a business KPI", "zh-CN": "有客户体验指标与业务 KPI 挂钩"},
        "nps.beyond-headline.problem": {"en": "Measurement stops at NPS/CSAT", "zh-CN": "测量止于 NPS/CSAT"},
        "nps.segmented.problem": {"en": "Results cannot be segmented", "zh-CN": "结果无法按细分群体比较"},
        "nps.kpi-link.problem": {
            "en": "No CX metric is tied to a business KPI",
            "zh-CN": "没有客户体验指标与业务 KPI 挂钩",
        },
        # --- evidence -----------------------------------------------------------------------------------------
        "metrics.with_data": {"en": "metrics with data: {names}", "zh-CN": "有数据的指标：{names}"},
        "none": {"en": "none", "zh-CN": "无"},
        "segment.values": {"en": "{column}: {count} values", "zh-CN": "{column}：{count} 个取值"},
        "segments.none": {"en": "no segment columns", "zh-CN": "没有细分列"},
        "kpi.link": {"en": "{objective}: {metric} → {kpi}", "zh-CN": "{objective}：{metric} → {kpi}"},
        "kpi.none": {"en": "no objective names a business_kpi", "zh-CN": "没有目标写明 business_kpi"},
        # --- recommendations ----------------------------------------------------------------------------------
        "recommend.beyond": {
            "en": "Measure beyond NPS/CSAT: add effort (CES), first-contact resolution or accessibility questions.",
            "zh-CN": "不止测量 NPS/CSAT：增加费力度（CES）、首次联系解决率或无障碍方面的问题。",
        },
        "recommend.segments": {
            "en": "Collect segment columns (region, product, channel, customer value) so results can be compared "
            "by segment.",
            "zh-CN": "收集细分列（地区、产品、渠道、客户价值），以便按细分群体比较结果。",
        },
        "recommend.kpi": {
            "en": "Tie CX metrics to business success: set business_kpi (retention, revenue, repeat purchase) on "
            "objectives.",
            "zh-CN": "把客户体验指标与业务成效挂钩：在目标上设置 business_kpi（留存、收入、复购）。",
        },
    }
)

#: The checks with their titles and problems said in the reader's language (`cxframe.Catalogue.titled`).
titled = say.titled
