"""Composes the texts of the demo: report titles and bodies that read like real 政务信息, the
comments of signers and editors, and people's names. Everything is drawn from a ``random.Random``
the caller seeds, so the same seed gives the same text.

A title depends only on its seed (never on the date), because the loader recognises a report it
already created by its unit and title; the body may mention dates and so takes ``when``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from govbrief.reports.choices import ReportKind

from .topics import (
    COMPANY_PREFIX,
    COMPANY_TRADE,
    GIVEN_FEMALE,
    GIVEN_MALE,
    SURNAMES,
    TOPICS,
    TOPICS_BY_DOMAIN,
    TOWN_FIRST,
    TOWN_SECOND,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
    Topic,
)

CN_ORDINALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Place:
    """How a unit names itself in its reports."""

    name: str  # 临江县 / 江州市 / 省教育厅 / 我省
    scope: str  # 全县 / 全市 / 全省
    kind: str  # county, district, city, township, department, province, liaison, special
    towns: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    upper: str = "省委、省政府"  # whose decisions it carries out


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    keywords: str
    topic: str


# ---------------------------------------------------------------- names

def person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    pool = GIVEN_FEMALE if rng.random() < 0.42 else GIVEN_MALE
    given = rng.choice(pool) if rng.random() < 0.35 else rng.choice(pool) + rng.choice(pool)
    if len(given) == 2 and given[0] == given[1] and rng.random() < 0.7:
        given = given[0]
    return surname + given


def village_name(rng: random.Random) -> str:
    return rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND)


def town_name(rng: random.Random) -> str:
    return rng.choice(TOWN_FIRST) + rng.choice(TOWN_SECOND) + rng.choice("镇镇镇乡")


def company_name(rng: random.Random, place: Place) -> str:
    prefix = place.name[:2] if place.kind in ("county", "district", "city") and rng.random() < 0.4 else ""
    return f"{prefix}{rng.choice(COMPANY_PREFIX)}{rng.choice(COMPANY_TRADE)}有限公司"


class Filler(dict):
    """The values for a template's placeholders, drawn when first asked for."""

    def __init__(self, rng: random.Random, place: Place):
        super().__init__(place=place.name, scope=place.scope)
        self.rng, self.place = rng, place

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key.startswith("pp"):
            value = f"{rng.uniform(0.3, 6.5):.1f}"
        elif key == "avg":
            value = "全国" if self.place.scope == "全省" else "全省"
        elif key.startswith("pct"):
            value = f"{rng.uniform(1.5, 26.0):.1f}"
        elif key.startswith("share"):
            value = f"{rng.uniform(62.0, 98.8):.1f}"
        elif key == "n" or key.startswith("n_"):
            value = str(rng.randint(3, 28))
        elif key == "n2":
            value = str(rng.randint(30, 320))
        elif key == "n3":
            value = str(rng.randint(320, 4800))
        elif key == "n4":
            value = str(rng.randint(12, 980) * 100)
        elif key == "yi":
            value = f"{rng.uniform(0.8, 58.0):.1f}"
        elif key == "wan":
            value = f"{rng.uniform(1.5, 95.0):.1f}"
        elif key.startswith("village"):
            value = village_name(rng)
        elif key == "company":
            value = company_name(rng, self.place)
        elif key == "town":
            value = rng.choice(self.place.towns) if self.place.towns else town_name(rng)
        else:
            raise KeyError(key)
        self[key] = value
        return value


def fill(rng: random.Random, place: Place, template: str) -> str:
    return template.format_map(Filler(rng, place))


# ---------------------------------------------------------------- topics and titles

MOTTOS = ("三个到位", "四个强化", "五个一批", "三单制", "四级联动", "一线工作法", "清单化管理", "三张清单")
REGIONS = ("沿海某省", "中部某省", "邻省某市", "长三角部分城市", "西部某省", "珠三角部分城市")
LIAISON_REGIONS = {"省政府驻京办": ("京津冀部分城市", "北京市部分区"), "省政府驻沪办": ("上海市部分区", "长三角部分城市")}
DOWN_IS_GOOD = ("PM2.5平均浓度", "生产安全事故起数", "森林火灾受害率")
INSTRUCTIONS = (
    "请{dept}认真研究，提出切实可行的解决办法。",
    "这个问题反映得很好，请有关部门抓紧研究落实。",
    "请{dept}会同有关部门深入调研，拿出具体措施，务求实效。",
    "经验做法值得总结推广，请{dept}阅研。",
)
QUOTES = (
    "这个问题反映好几次了，希望有关部门能尽快解决。",
    "希望政府能出台具体措施，让老百姓真正得到实惠。",
    "政策是好政策，关键是要落实到位。",
    "希望相关部门多到基层听听群众的意见。",
)

KIND_TITLES: dict[str, tuple[str, ...]] = {
    ReportKind.NEWS: (
        "{p}多措并举推进{w}取得实效",
        "{p}扎实推进{w}",
        "{p}“{motto}”推动{w}提质增效",
        "{p}{w}呈现良好态势",
        "{p}全力以赴抓好{w}",
        "{p}压紧压实责任推动{w}落地见效",
        "{indicator}",
    ),
    ReportKind.RESEARCH: (
        "关于{p}{w}情况的调研报告",
        "{p}{w}面临的困难和对策建议",
        "对{p}{w}的调查与思考",
        "{p}{w}存在的问题及建议",
    ),
    ReportKind.PROBLEM: (
        "{p}{pt}问题值得关注",
        "{p}{w}中{pt}现象应引起重视",
        "{pt}问题亟待破解——来自{u}的调查",
        "{u}反映：{pt}问题需引起重视",
    ),
    ReportKind.COMPREHENSIVE: (
        "{p}{w}工作综述",
        "{p}{w}情况综述",
        "{p}近期{w}进展情况",
        "{p}{w}总体平稳 部分领域仍需关注",
    ),
    ReportKind.EXPERIENCE: (
        "{p}探索“{model}”模式破解{w}难题",
        "{p}创新机制推动{w}走深走实",
        "{p}推进{w}的主要做法和成效",
        "{p}以“{model}”为抓手提升{w}水平",
    ),
    ReportKind.REFERENCE: (
        "{region}推进{w}的做法及启示",
        "{region}{w}经验值得借鉴",
        "{region}推进{w}的几点做法",
    ),
    ReportKind.OPINION: (
        "群众反映{p}{op}问题较为集中",
        "{p}群众关于{op}问题的意见建议",
        "网民热议{op}问题 建议加强回应引导",
        "{p}12345热线反映{op}问题的分析",
    ),
    ReportKind.FEEDBACK: (
        "{p}落实省政府领导批示精神推进{w}取得阶段性成效",
        "关于{p}落实领导批示推进{w}情况的报告",
        "{p}认真落实领导批示 {pt}问题得到有效解决",
    ),
}

# A department writes about its field "in the whole province/city" (全省…) rather than about itself.
SCOPE_KINDS = {ReportKind.RESEARCH, ReportKind.PROBLEM, ReportKind.COMPREHENSIVE, ReportKind.OPINION}


def _subject(place: Place, kind: str) -> tuple[str, str]:
    """(the subject of a title, the unit named as its source)."""
    if place.kind == "special":
        return "我省", "基层"
    if place.kind in ("department", "province") and kind in SCOPE_KINDS:
        return place.scope, place.name
    return place.name, place.name


def pick_topic(rng: random.Random, place: Place, kind: str) -> Topic:
    if kind == ReportKind.EMERGENCY:
        return rng.choice([t for t in TOPICS if t.incidents])
    own = [t for d in place.domains for t in TOPICS_BY_DOMAIN.get(d, ())]
    # Departments, liaison offices and special informants keep to their field; governments cover all.
    keeps_to_field = place.kind in ("department", "liaison", "special")
    if kind == ReportKind.OPINION:
        own_opinions = [t for t in own if t.opinions]
        if own_opinions and (keeps_to_field or rng.random() < 0.7):
            return rng.choice(own_opinions)
        if keeps_to_field:
            return TOPICS_BY_DOMAIN["opinion"][0]
        return rng.choice([t for t in TOPICS if t.opinions])
    if own and (keeps_to_field or rng.random() < 0.85):
        return rng.choice(own)
    return rng.choice(TOPICS)


def emergency_facts(rng: random.Random, place: Place, topic: Topic) -> tuple[str, str, str]:
    """Where (a township, or a village of a township), what, and which report (初报/续报)."""
    if place.kind == "township":
        location = village_name(rng) + "村"
    else:
        location = rng.choice(place.towns) if place.towns else town_name(rng)
    return location, rng.choice(topic.incidents), rng.choice(("（初报）", "（初报）", "（续报）"))


def _indicator_title(rng: random.Random, place: Place, topic: Topic) -> str:
    name, unit, _low, _high = rng.choice(topic.indicators)
    who = place.scope if place.kind in ("department", "province", "liaison") else place.name
    if unit in ("%", "‰"):
        return f"{who}{name}同比提高{rng.uniform(0.3, 6.5):.1f}个百分点"
    verb = "下降" if name in DOWN_IS_GOOD else "增长"
    return f"{who}{name}同比{verb}{rng.uniform(1.5, 26.0):.1f}%"


def compose_title(rng: random.Random, *, kind: str, place: Place, topic: Topic) -> tuple[str, dict[str, str]]:
    """The title, and the choices it made (region, model, problem, opinion) for the body to reuse."""
    if kind == ReportKind.EMERGENCY:
        location, incident, stage = emergency_facts(rng, place, topic)
        verb = "遭遇" if topic.key == "flood" else "发生一起"
        return f"{place.name}{location}{verb}{incident}{stage}", {}
    if place.kind == "liaison" and kind == ReportKind.NEWS:
        return rng.choice((
            f"{place.name}积极对接国家部委争取{topic.work}政策支持",
            f"{place.name}搭建平台服务我省企业拓展{topic.work}合作",
            f"{place.name}协调推动{topic.work}重点事项取得新进展",
            f"{place.name}“{rng.choice(MOTTOS)}”助力我省{topic.work}",
            f"{place.name}加强驻地联络 服务我省{topic.work}",
        )), {}
    regions = LIAISON_REGIONS.get(place.name, REGIONS)
    if place.kind == "liaison" and kind == ReportKind.COMPREHENSIVE:
        region = rng.choice(regions)
        return f"{region}{topic.work}最新动态综述", {"region": region}
    templates = KIND_TITLES[kind]
    if not topic.indicators:
        templates = tuple(t for t in templates if t != "{indicator}")
    template = rng.choice(templates)
    if template == "{indicator}":
        return _indicator_title(rng, place, topic), {}
    p, u = _subject(place, kind)
    values = {
        "p": p,
        "u": u,
        "w": topic.work,
        "motto": rng.choice(MOTTOS),
        "pt": rng.choice(topic.problem_titles),
        "model": rng.choice(topic.models or MOTTOS),
        "region": rng.choice(regions),
        "op": rng.choice(topic.opinions or topic.problem_titles),
    }
    facts = {key: values[key] for key in ("pt", "model", "region", "op") if "{" + key + "}" in template}
    return template.format(**values), facts


# ---------------------------------------------------------------- bodies

LEAD_INS = ("强化组织领导", "聚焦重点任务", "创新工作机制", "加强要素保障", "狠抓督查落实", "注重宣传引导")
OPENINGS = ("今年以来", "近年来", "近期", "入{season}以来")
SUMMARIES = ("坚持问题导向，强化统筹调度", "突出重点、精准施策", "坚持高位推动、压实工作责任",
             "聚焦群众急难愁盼", "坚持系统谋划、整体推进")
CLOSINGS = ("持续巩固提升工作成效", "推动{w}再上新台阶", "确保全年目标任务圆满完成", "不断增强群众获得感")
CONSEQUENCES = ("影响群众切身利益和社会稳定", "影响全年目标任务完成", "引发群众不满甚至群体性事件",
                "影响政府公信力", "造成较大经济损失")
CHANNELS = ("走访调研", "日常监测", "矛盾纠纷排查", "12345热线受理情况分析", "基层信息员反映")
SEASONS = {12: "冬", 1: "冬", 2: "春", 3: "春", 4: "春", 5: "夏", 6: "夏", 7: "夏", 8: "秋", 9: "秋", 10: "秋", 11: "冬"}


def _sentence(text: str) -> str:
    text = text.strip().rstrip("。；;，")
    return text + "。"


def _opening(rng: random.Random, when: datetime) -> str:
    return rng.choice(OPENINGS).replace("{season}", SEASONS[when.month])


def _sample(rng: random.Random, items: tuple[str, ...], k: int) -> list[str]:
    return rng.sample(items, min(k, len(items)))


def _body_news(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    measures = _sample(rng, topic.measures, rng.choice((2, 3, 3, 4)))
    first = (f"{_opening(rng, when)}，{place.name}认真贯彻落实{place.upper}关于{topic.work}的决策部署，"
             f"{rng.choice(SUMMARIES)}，{topic.work}取得明显成效。{_sentence(f(rng.choice(topic.results)))}")
    paras = [first]
    for i, (lead, measure) in enumerate(zip(_sample(rng, LEAD_INS, len(measures)), measures)):
        paras.append(f"{CN_ORDINALS[i]}是{lead}。{_sentence(f(measure))}")
    if rng.random() < 0.65:
        closing = rng.choice(CLOSINGS).replace("{w}", topic.work)
        paras.append(f"下一步，{place.name}将{rng.choice(topic.suggestions)}，{closing}。")
    return paras


def _research_intro(rng: random.Random, place: Place, topic: Topic) -> str:
    f = partial(fill, rng, place)
    if place.kind == "special":
        return f(f"为深入了解{topic.work}情况，笔者近期赴{{n_c}}个县（市、区）开展专题调研，"
                 f"走访企业{{n_a}}家、农户和居民{{n2}}户。现将有关情况和建议报告如下。")
    if place.kind in ("department", "province", "liaison"):
        area = "全省{n_c}个县（市、区）"
    elif place.kind == "city":
        area = "{n_c}个县（市、区）、{n2}个村（社区）"
    else:
        area = "{n_c}个乡镇（街道）、{n2}个村（社区）"
    return f(f"为全面掌握{topic.work}情况，近期，{place.name}组织专门力量深入{area}和{{n_a}}家企业开展专题调研，"
             f"召开座谈会{{n_b}}场，发放调查问卷{{n3}}份。现将有关情况报告如下。")


def _body_research(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    paras = [_research_intro(rng, place, topic), "一、基本情况"]
    m1, m2 = _sample(rng, topic.measures, 2)
    paras.append(f"{_opening(rng, when)}，{place.name}{_sentence(f(m1))}{_sentence(f(m2))}"
                 f"{_sentence(f(rng.choice(topic.results)))}")
    paras.append("二、存在的主要问题")
    for i, problem in enumerate(_sample(rng, topic.problems, 3)):
        paras.append(f"（{CN_ORDINALS[i]}）{_sentence(f(problem))}")
    paras.append("三、典型事例")
    paras.append(f"{_sentence(f(rng.choice(topic.examples)))}调研中，有基层干部反映："
                 f"“{f(rng.choice(topic.problems)).split('，')[0]}，我们也很着急。”")
    paras.append("四、原因分析")
    causes = [_sentence(f(c)) for c in _sample(rng, topic.causes, 2)]
    paras.append("分析上述问题，主要有以下原因：" + "".join(f"{CN_ORDINALS[i]}是{c}" for i, c in enumerate(causes)))
    paras.append("五、对策建议")
    for i, s in enumerate(_sample(rng, topic.suggestions, 3)):
        paras.append(f"（{CN_ORDINALS[i]}）{_sentence(s)}")
    return paras


def _body_problem(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    writer = "笔者" if place.kind == "special" else place.name
    focus = f"特别是{facts['pt']}问题较为突出，" if facts.get("pt") else ""
    paras = [(f"近期，{writer}在{rng.choice(CHANNELS)}中发现，当前{topic.work}总体平稳有序，"
              f"但也出现一些苗头性、倾向性问题，{focus}需引起重视。")]
    causes = list(_sample(rng, topic.causes, 3))
    for i, problem in enumerate(_sample(rng, topic.problems, rng.choice((2, 3)))):
        detail = _sentence(f(causes[i])) if i < len(causes) and rng.random() < 0.6 else ""
        paras.append(f"{CN_ORDINALS[i]}是{_sentence(f(problem))}{detail}")
    paras.append(f"{_sentence(f(rng.choice(topic.examples)))}但类似情况在{place.scope}并不普遍，"
                 f"问题如不及时加以引导和解决，可能{rng.choice(CONSEQUENCES)}。")
    suggestions = _sample(rng, topic.suggestions, 3)
    paras.append("建议：" + "；".join(f"{CN_ORDINALS[i]}是{s}" for i, s in enumerate(suggestions)) + "。")
    return paras


def _body_comprehensive(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    results = "；".join(f(r).rstrip("。") for r in _sample(rng, topic.results, 2))
    measures = "；".join(f(m) for m in _sample(rng, topic.measures, 3))
    problems = "；".join(f(p) for p in _sample(rng, topic.problems, 2))
    return [
        f"{_opening(rng, when)}，{place.name}{topic.work}总体呈现稳中有进、稳中向好的态势。",
        "一、主要指标情况",
        results + "。",
        "二、重点工作进展",
        measures + "。",
        "三、需要关注的问题",
        problems + "。",
        "四、下一步工作打算",
        "；".join(_sample(rng, topic.suggestions, 2)) + "。",
    ]


def _body_experience(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    model = facts.get("model") or rng.choice(topic.models or MOTTOS)
    problem = f(rng.choice(topic.problems)).split("，")[0]
    paras = [f"近年来，{place.name}针对{topic.work}中{problem}的难题，探索推行“{model}”工作模式，取得积极成效。"]
    leads = ("坚持高位推动", "创新工作机制", "强化督查考核", "注重群众参与")
    for i, (lead, measure) in enumerate(zip(_sample(rng, leads, 3), _sample(rng, topic.measures, 3))):
        paras.append(f"{CN_ORDINALS[i]}、{lead}，{_sentence(f(measure))}")
    paras.append(f"通过上述举措，{f(rng.choice(topic.results)).rstrip('。')}。{_sentence(f(rng.choice(topic.examples)))}")
    return paras


def _body_reference(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    region = facts.get("region", "外地")
    paras = [f"据了解，{region}在推进{topic.work}方面积极探索，形成了一些好的做法，值得我省借鉴。"]
    for i, measure in enumerate(_sample(rng, topic.measures, 3)):
        paras.append(f"{CN_ORDINALS[i]}是{_sentence(f(measure))}")
    paras.append("启示与建议：" + "；".join(_sample(rng, topic.suggestions, 2)) + "。")
    return paras


def _body_opinion(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    opinion = facts.get("op") or rng.choice(topic.opinions or topic.problem_titles)
    problems = [f(p) for p in _sample(rng, topic.problems, 2)]
    if place.kind == "special":
        gathered = f"笔者通过走访座谈、网络平台等渠道梳理群众意见建议{{n2}}条，其中反映{opinion}问题的{{n}}条"
    elif place.kind == "department":
        gathered = (f"{place.name}通过门户网站留言、领导信箱和12345热线转办件等渠道收到群众意见建议{{n3}}条，"
                    f"其中反映{opinion}问题的{{n2}}条")
    else:
        gathered = (f"{place.name}通过12345政务服务便民热线、政务新媒体、领导信箱等渠道收集群众意见建议{{n3}}条，"
                    f"其中反映{opinion}问题的{{n2}}条")
    return [
        f(f"近期，{gathered}，占{{pct}}%，较上月增长{{pct2}}%。"),
        "群众反映的问题主要集中在：" + "；".join(f"{CN_ORDINALS[i]}是{p}" for i, p in enumerate(problems))
        + f"。有群众反映：“{rng.choice(QUOTES)}”",
        "群众建议：" + "；".join(_sample(rng, topic.suggestions, 2)) + "。",
        "目前，相关诉求已转交有关部门办理，办理结果将及时向群众反馈。",
    ]


def _body_feedback(rng: random.Random, place: Place, topic: Topic, when: datetime, facts: dict[str, str]) -> list[str]:
    f = partial(fill, rng, place)
    month = (when.month - 2) % 12 + 1
    leader = f"省政府{rng.choice(SURNAMES)}副省长"
    issue = rng.randint(12, 96)
    reported = f"{place.name}{facts.get('pt') or rng.choice(topic.problem_titles)}问题值得关注"
    instruction = rng.choice(INSTRUCTIONS).replace("{dept}", "有关部门")
    paras = [(
        f"{month}月{rng.randint(1, 28)}日，{leader}在《政务信息》第{issue}期刊发的《{reported}》上作出批示："
        f"“{instruction}”{place.name}高度重视，第一时间召开专题会议研究部署，逐项抓好落实。现将落实情况报告如下。"
    )]
    for i, measure in enumerate(_sample(rng, topic.measures, 3)):
        paras.append(f"{CN_ORDINALS[i]}、{_sentence(f(measure))}")
    paras.append(f"经过努力，{f(rng.choice(topic.results)).rstrip('。')}。下一步，{place.name}将"
                 f"{rng.choice(topic.suggestions)}，确保批示精神落到实处。")
    return paras


INCIDENT_DETAILS = {
    "fire": ("事故造成{n}人受伤，无人员死亡，过火面积约{n2}平方米", "明火已于当日扑灭，现场已清理完毕"),
    "traffic": ("事故造成{n}人受伤，其中重伤2人，伤者已送往县人民医院救治", "道路交通已恢复，车辆已拖离现场"),
    "flood": ("已紧急转移群众{n2}人，暂无人员伤亡报告，部分农田和道路受损", "降雨已减弱，水位呈回落趋势"),
    "health": ("共有{n}人出现腹痛、呕吐等症状，均已送医治疗，生命体征平稳", "患者病情稳定，未出现新增病例"),
    "crowd": ("现场聚集群众约{n2}人，未发生肢体冲突", "聚集人员已基本散去，现场秩序平稳"),
    "other": ("事故造成{n}人受伤，暂无人员死亡", "现场处置工作有序进行"),
}


def _incident_kind(incident: str) -> str:
    if "火" in incident or "爆" in incident:
        return "fire"
    if "交通" in incident or "客车" in incident:
        return "traffic"
    if "洪" in incident or "滑坡" in incident or "内涝" in incident:
        return "flood"
    if "中毒" in incident:
        return "health"
    if "群体" in incident:
        return "crowd"
    return "other"


def _body_emergency(rng: random.Random, place: Place, when: datetime, facts: tuple[str, str, str]) -> list[str]:
    f = partial(fill, rng, place)
    town, incident, stage = facts
    casualty, status = INCIDENT_DETAILS[_incident_kind(incident)]
    happened = when.replace(minute=(when.minute // 10) * 10)
    village = "" if town.endswith("村") else village_name(rng) + "村"
    paras = []
    if "续报" in stage:
        paras.append(f"{when.month}月{when.day}日{when.hour}时，{place.name}{town}{village}{incident}处置工作续报如下：")
        paras.append(f"截至目前，{f(casualty)}。{status}。事故（事件）原因初步查明，相关责任人已被控制。")
        paras.append(f"{place.name}已成立善后工作组，做好伤员救治、家属安抚和群众情绪疏导工作，并举一反三在{place.scope}开展隐患排查。有关情况将及时续报。")
    else:
        paras.append(f"{happened.month}月{happened.day}日{happened.hour}时{happened.minute:02d}分许，"
                     f"{place.name}{town}{village}发生{incident}。")
        paras.append(f"接报后，{place.name}主要负责同志和分管负责同志第一时间赶赴现场指挥处置，应急管理、公安、消防、卫生健康等部门迅速开展救援。")
        paras.append(f"据初步核实，{f(casualty)}。事故（事件）原因正在调查中。")
        paras.append(f"目前，{status}。{place.name}已组织力量全力做好后续处置工作，有关情况将及时续报。")
    paras.append(f"（信息来源：{place.name}应急管理部门、{town}现场报告；事件性质：{incident}；"
                 f"影响范围：{town}{village}及周边；发展趋势：总体可控）")
    return paras


BODIES = {
    ReportKind.NEWS: _body_news,
    ReportKind.RESEARCH: _body_research,
    ReportKind.PROBLEM: _body_problem,
    ReportKind.COMPREHENSIVE: _body_comprehensive,
    ReportKind.EXPERIENCE: _body_experience,
    ReportKind.OPINION: _body_opinion,
    ReportKind.FEEDBACK: _body_feedback,
}


def compose(seed: str, *, kind: str, place: Place, when: datetime) -> Draft:
    """A report of this kind by this place: the topic and title come from ``seed`` alone, the body
    from ``seed`` and the date it is written."""
    title_rng = random.Random(f"{seed}:title")
    topic = pick_topic(title_rng, place, kind)
    state = title_rng.getstate()
    title, facts = compose_title(title_rng, kind=kind, place=place, topic=topic)
    body_rng = random.Random(f"{seed}:body")
    if kind == ReportKind.EMERGENCY:
        title_rng.setstate(state)  # the same draws that made the title
        paras = _body_emergency(body_rng, place, when, emergency_facts(title_rng, place, topic))
    elif kind == ReportKind.REFERENCE or (place.kind == "liaison" and kind == ReportKind.COMPREHENSIVE):
        paras = _body_reference(body_rng, place, topic, when, facts)
    elif place.kind == "liaison" and kind == ReportKind.NEWS:
        paras = _body_news(body_rng, place, topic, when, facts)
        paras[0] = (f"{_opening(body_rng, when)}，{place.name}主动对接国家有关部委和驻地有关方面，"
                    f"积极为我省{topic.work}争取政策、项目和资金支持，取得积极进展。")
    else:
        paras = BODIES[kind](body_rng, place, topic, when, facts)
    keywords = "、".join(body_rng.sample(topic.keywords, min(2, len(topic.keywords))))
    return Draft(title=title[:200], body="\n".join(paras), keywords=keywords, topic=topic.key)


def topic_by_key(key: str) -> Topic:
    return next(t for t in TOPICS if t.key == key)


# ---------------------------------------------------------------- what people say along the way

SEND_BACK_COMMENTS = (
    "第二部分的数据请与统计部门再核对一下，口径要一致。",
    "标题不够精炼，请再提炼一下。",
    "建议增加一两个典型事例，增强说服力。",
    "请补充下一步工作打算。",
    "涉及群众诉求的部分措辞要客观，请修改后再报。",
    "要素不全，请补充时间、地点和具体数据。",
)
SIGN_OFF_COMMENTS = ("同意报送。", "同意。", "修改后同意报送。", "同意，请抓紧报送。", "")
RETURN_REASONS = (
    "数据来源不明确，请补充核实后再报。",
    "要素不全，缺少时间、地点等基本要素，请补充后再报。",
    "内容偏重工作过程，缺少成效和数据支撑，请修改后再报。",
    "信息时效性不强，建议结合最新进展重新整理后报送。",
    "标题与内容不符，请重新提炼标题。",
    "问题分析不够深入，建议补充原因分析和对策建议。",
    "有关数据与统计部门公布口径不一致，请核实后再报。",
)
ARCHIVE_NOTES = ("内容较为一般，存档备查。", "同类信息已采用，本件存档备查。", "供参考，存档备查。", "")
DUPLICATE_NOTE = "该信息已由{unit}直接报送，本件存档备查，不重复计分。"
ADOPTION_NOTES = {
    "general": ("拟编入《政务信息》。", "删节后编入《政务信息》。", ""),
    "special": ("拟编入《专报》报领导参阅。", "问题反映深入，拟编入《专报》。"),
    "express": ("编入《快报》，请继续跟踪续报。",),
    "opinion": ("编入《舆论监督与群众意见建议专报》。",),
    "reference": ("供领导参阅。",),
}
FORWARD_NOTES = ("经编辑整理后报上级办公厅。", "综合有关情况后转报。", "此件有参考价值，转报。", "")
RESUBMIT_NOTES = ("已按要求补充核实，请审核。", "已修改完善，现重新报送。", "")
SUPPLEMENTS = (
    "（经核实，上述数据来源于{source}统计快报，已与统计部门核对一致。）",
    "据统计部门核实，上述数据口径为全口径统计。",
    "此外，{place}还建立了定期调度和督查通报制度，确保各项措施落地见效。",
)


# ---------------------------------------------------------------- the editor's desk

# Notes among the receiving office's staff. "{sibling}" is another unit reporting to the same
# office, "{colleague}" a colleague in the office (an @mention: the name is followed by a space,
# so the mention ends there).
DESK_NOTES = (
    "此条可与{sibling}同类信息合稿。",
    "@{colleague} 请核实数据后再采用。",
    "@{colleague} 这条你看一下，可否与前期同类信息合并编发？",
    "数据与上月报送的口径不一致，建议电话核实后再用。",
    "内容较好，建议压缩到800字以内后采用。",
    "与前期同类信息重复较多，酌情处理。",
    "标题可再提炼，突出主要成效。",
    "已电话联系报送单位，对方正在补充材料。",
)
# The chief editor hands an item to an editor.
ASSIGN_NOTES = (
    "@{colleague} 请核实数据后再采用。",
    "@{colleague} 这条请你负责，注意时效，今天内处理。",
    "@{colleague} 请把关，问题反映较深入的话可考虑编入专报。",
)
# The office asks the sending unit ("{months}": 今年1-10月 and the like, from the message's date):
# for more (answered by a revised text), or to check something.
SUPPLEMENT_REQUESTS = (
    "请补充{months}的具体数据。",
    "请补充一至两个典型事例，篇幅200字左右。",
    "请补充同比、环比变化情况，并说明原因。",
)
DATA_REQUESTS = SUPPLEMENT_REQUESTS + (
    "文中有关数据请注明来源，并与统计部门核对口径。",
    "请核实文中涉及的企业名称和具体金额。",
)
# The unit answers on the item itself (no new version). No placeholders: the loader formats every
# message with ``months`` only.
UNIT_ANSWERS = (
    "数据已与统计部门核对，为全口径统计，准确无误。",
    "具体情况已电话报告，请审核。",
    "好的，我们抓紧补充，今天下班前报送。",
    "有关数据来源于统计部门月度快报，已再次核实。",
)
# The unit answers after a return, when it resubmits its revised text.
REVISED_ANSWERS = ("已补充，详见修改稿。", "已按要求补充修改，详见修改稿。")


def months_so_far(when: datetime) -> str:
    """The span of this year with figures available at ``when``: 今年1-10月, 今年1月, 去年全年."""
    last = when.month - 1
    if last == 0:
        return "去年全年"
    return "今年1月" if last == 1 else f"今年1-{last}月"


def revise_body(rng: random.Random, body: str, place: Place) -> str:
    """The informant's revision after a send-back or a return: a supplement at the end."""
    addition = rng.choice(SUPPLEMENTS).format(source=place.name, place=place.name)
    return body + "\n" + addition if addition not in body else body + "\n" + "有关情况将持续跟踪报送。"


def forward_text(title: str, body: str, *, origin: Place, office_name: str) -> tuple[str, str]:
    """An office edits a report before forwarding it: names the origin within its own area, and
    trims the closing paragraph (删节)."""
    if office_name and title.startswith(origin.name) and not title.startswith(office_name) and origin.kind in (
        "county", "district", "township"
    ):
        title = office_name + title
    paras = body.split("\n")
    if len(paras) > 3 and paras[-1].startswith("下一步"):
        paras = paras[:-1]
    return title[:200], "\n".join(paras)
