"""The layout of the demo province 江东省 (fictional): its units, who works where, and which
county-level units are direct reporting points. Pure data, no database access: the loader turns
it into rows, and the report generator picks its authors from it.

    国务院办公厅 (national)
    └── 江东省人民政府办公厅 (province)
        ├── 省发展改革委 … 省数据局 (provincial departments)
        ├── 省政府驻北京办事处, 驻上海办事处 (liaison offices)
        ├── 特约信息员 (special informants: experts, entrepreneurs, community workers)
        └── 江州市人民政府办公室 … (11 cities)
            ├── 市发展改革委 … (a few city departments)
            └── 临江县人民政府办公室 … (3-5 counties/districts per city)
                └── 东湖镇人民政府 … (townships under some counties)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govbrief.orgs.choices import Role, UnitKind, UnitLevel

PROVINCE_NAME = "江东省"
NATIONAL_CODE = "guoban"
PROVINCE_CODE = "jiangdong"
# The county of the well-known demo logins (xinxiyuan, qianfa) and its city (bianji, zhubian).
DEMO_COUNTY_CODE = "linjiang"
DEMO_CITY_CODE = "jiangzhou"
# The direct reporting point that also reports to the State Council office (国办直报点).
NATIONAL_DIRECT_POINT_CODE = "qingshi"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent: str | None
    # Offices that receive reports from below need editors, chief editors and a leader.
    receives: bool = False
    domains: tuple[str, ...] = ()  # topics a department writes about (see content.TOPICS)
    towns: tuple[str, ...] = ()  # township short names below a county, for the report texts
    city: str = ""  # the city's short name, for counties and city departments
    address: str = ""
    phone: str = ""
    person: str = ""  # special informants: the individual's description


@dataclass(frozen=True)
class PersonSpec:
    username: str
    unit: str
    roles: tuple[str, ...]
    post: str
    name: str = ""  # empty: generated from the username
    superuser: bool = False


@dataclass(frozen=True)
class DirectPointChange:
    unit: str
    is_direct_point: bool
    days_ago: int
    reason: str


@dataclass
class Layout:
    units: list[UnitSpec] = field(default_factory=list)
    people: list[PersonSpec] = field(default_factory=list)
    direct_point_history: list[DirectPointChange] = field(default_factory=list)

    def unit(self, code: str) -> UnitSpec:
        return next(u for u in self.units if u.code == code)

    def direct_points(self) -> list[str]:
        """Codes of the units that are direct reporting points at the end of the history."""
        state: dict[str, bool] = {}
        for change in sorted(self.direct_point_history, key=lambda c: -c.days_ago):
            state[change.unit] = change.is_direct_point
        return [code for code, on in state.items() if on]


# (city code, city name, area code, [(county code, county name, [(township code, township name)])])
CITIES: list[tuple[str, str, str, list[tuple[str, str, list[tuple[str, str]]]]]] = [
    ("jiangzhou", "江州市", "0571", [
        ("chengdong", "城东区", []),
        ("chengxi", "城西区", []),
        ("jiangbin", "江滨区", []),
        ("linjiang", "临江县", [("donghu", "东湖镇"), ("xinqiao", "新桥镇"), ("baishui", "白水乡")]),
        ("qingshi", "青石县", [("shiqiao", "石桥镇"), ("longquan", "龙泉乡")]),
    ]),
    ("dongling", "东陵市", "0572", [
        ("lingcheng", "陵城区", []),
        ("donggang", "东港区", []),
        ("baima", "白马县", [("mafang", "马坊镇"), ("liuhe", "柳河乡")]),
        ("anfeng", "安丰县", []),
    ]),
    ("linhu", "临湖市", "0573", [
        ("hubin", "湖滨区", []),
        ("wanghu", "望湖县", [("hukou", "湖口镇"), ("ludang", "芦荡乡")]),
        ("liuxi", "柳溪县", []),
        ("shimen", "石门县", []),
    ]),
    ("yunling", "云岭市", "0574", [
        ("yunzhong", "云中区", []),
        ("yunxi", "云溪县", []),
        ("gaoping", "高坪县", [("pingba", "坪坝镇")]),
        ("lingbei", "岭北县", []),
    ]),
    ("qingfeng", "青峰市", "0575", [
        ("fengcheng", "峰城区", []),
        ("cuiping", "翠屏县", [("pingshan", "屏山镇"), ("zhuyuan", "竹园乡")]),
        ("longtan", "龙潭县", []),
    ]),
    ("anlan", "安澜市", "0576", [
        ("lanjiang", "澜江区", []),
        ("pingchuan", "平川县", []),
        ("ningchuan", "宁川县", []),
        ("changgang", "长岗县", []),
    ]),
    ("meixi", "梅溪市", "0577", [
        ("meicheng", "梅城区", []),
        ("fenglin", "枫林县", []),
        ("xibei", "溪北县", []),
    ]),
    ("fengze", "丰泽市", "0578", [
        ("zeyuan", "泽源区", []),
        ("hefeng", "禾丰县", []),
        ("nantang", "南塘县", []),
    ]),
    ("baisha", "白沙市", "0579", [
        ("shahe", "沙河区", []),
        ("yintan", "银滩县", []),
        ("ludao", "鹭岛县", []),
    ]),
    ("tongyuan", "桐源市", "0580", [
        ("yuanjiang", "源江区", []),
        ("gutong", "古桐县", []),
        ("shuikou", "水口县", []),
        ("chashan", "茶山县", []),
    ]),
    ("langao", "兰皋市", "0581", [
        ("gaocheng", "皋城区", []),
        ("zhilan", "芷兰县", []),
        ("hekou", "河口县", []),
    ]),
]

# (code, full name, short name, topic domains) — 省各委办厅局.
PROVINCIAL_DEPARTMENTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("jd-fgw", "江东省发展和改革委员会", "省发展改革委", ("economy", "projects", "business")),
    ("jd-jyt", "江东省教育厅", "省教育厅", ("education",)),
    ("jd-kjt", "江东省科学技术厅", "省科技厅", ("industry", "business")),
    ("jd-gxt", "江东省工业和信息化厅", "省工业和信息化厅", ("industry", "economy")),
    ("jd-gat", "江东省公安厅", "省公安厅", ("governance", "safety")),
    ("jd-mzt", "江东省民政厅", "省民政厅", ("elderly", "governance")),
    ("jd-sft", "江东省司法厅", "省司法厅", ("governance",)),
    ("jd-czt", "江东省财政厅", "省财政厅", ("economy", "finance")),
    ("jd-rst", "江东省人力资源和社会保障厅", "省人力资源社会保障厅", ("employment",)),
    ("jd-zrzyt", "江东省自然资源厅", "省自然资源厅", ("farmland", "projects")),
    ("jd-sthjt", "江东省生态环境厅", "省生态环境厅", ("air", "water")),
    ("jd-zjt", "江东省住房和城乡建设厅", "省住房城乡建设厅", ("housing",)),
    ("jd-jtt", "江东省交通运输厅", "省交通运输厅", ("roads",)),
    ("jd-slt", "江东省水利厅", "省水利厅", ("flood", "water")),
    ("jd-nynct", "江东省农业农村厅", "省农业农村厅", ("grain", "farmland", "village")),
    ("jd-swt", "江东省商务厅", "省商务厅", ("business", "tourism")),
    ("jd-wlt", "江东省文化和旅游厅", "省文化和旅游厅", ("tourism",)),
    ("jd-wjw", "江东省卫生健康委员会", "省卫生健康委", ("health",)),
    ("jd-yjglt", "江东省应急管理厅", "省应急管理厅", ("safety", "flood", "forestfire")),
    ("jd-sjt", "江东省审计厅", "省审计厅", ("finance", "economy")),
    ("jd-scjgj", "江东省市场监督管理局", "省市场监管局", ("food", "business")),
    ("jd-tjj", "江东省统计局", "省统计局", ("economy", "industry")),
    ("jd-ybj", "江东省医疗保障局", "省医保局", ("health",)),
    ("jd-xfj", "江东省信访局", "省信访局", ("governance", "opinion")),
    ("jd-xczxj", "江东省乡村振兴局", "省乡村振兴局", ("poverty", "village")),
    ("jd-sjj", "江东省数据局", "省数据局", ("egov", "business")),
    ("jd-lyj", "江东省林业局", "省林业局", ("forestfire", "village")),
]

# (city code, code, full name, short name, domains) — a few 市政府工作部门.
CITY_DEPARTMENTS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("jiangzhou", "jiangzhou-fgw", "江州市发展和改革委员会", "江州市发展改革委", ("economy", "projects")),
    ("jiangzhou", "jiangzhou-jyj", "江州市教育局", "江州市教育局", ("education",)),
    ("jiangzhou", "jiangzhou-yjj", "江州市应急管理局", "江州市应急管理局", ("safety", "flood")),
    ("dongling", "dongling-sthjj", "东陵市生态环境局", "东陵市生态环境局", ("air", "water")),
    ("linhu", "linhu-nyncj", "临湖市农业农村局", "临湖市农业农村局", ("grain", "village")),
    ("yunling", "yunling-wjw", "云岭市卫生健康委员会", "云岭市卫生健康委", ("health",)),
]

# (code, person, description, domains) — 政府特约信息员 (seed 000: experts, entrepreneurs,
# community workers, farmers' representatives).
SPECIAL_INFORMANTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("ty-zhoumingyuan", "周明远", "江东大学经济学院教授", ("economy", "finance", "business")),
    ("ty-shenhuilan", "沈慧兰", "江东省社会科学院研究员", ("governance", "elderly", "opinion")),
    ("ty-luojianguo", "罗建国", "江东恒信精密机械有限公司董事长", ("industry", "business", "finance")),
    ("ty-hexiuying", "何秀英", "江州市城东区幸福里社区党委书记", ("housing", "elderly", "opinion")),
    ("ty-tanglisheng", "唐立升", "省农业科学院作物研究所研究员", ("grain", "farmland", "village")),
    ("ty-fangzhiqiang", "方志强", "临江县东湖镇种粮大户、省人大代表", ("grain", "village", "poverty")),
]

# County-level direct reporting points (信息直报点): (code, days ago it became one).
DIRECT_POINTS: list[tuple[str, int]] = [
    ("qingshi", 1460), ("donggang", 1100), ("baima", 1100), ("liuxi", 1100), ("yunxi", 820),
    ("cuiping", 820), ("pingchuan", 820), ("fenglin", 700), ("hefeng", 400), ("yintan", 400),
    ("gutong", 400), ("zhilan", 150),
]
# 总量控制、优胜劣汰: a point that lost its status after a poor year.
FORMER_DIRECT_POINTS: list[tuple[str, int, int]] = [("shimen", 1100, 330), ("changgang", 820, 330)]

REASON_APPOINTED = "经省政府办公厅研究，确定为县级信息直报点，直接向省政府办公厅报送信息"
REASON_NATIONAL = "经国务院办公厅同意，确定为国办信息直报点，同时向国务院办公厅和省政府办公厅报送信息"
REASON_REMOVED = "年度考核得分低于12分，按照“总量控制、优胜劣汰”原则取消信息直报点资格"

# Abbreviations used in generated user names: <unit code>-<abbr>[n].
ROLE_ABBR = {
    Role.INFORMANT: "xxy", Role.SIGNER: "qf", Role.PRINCIPAL: "fzr", Role.EDITOR: "bj",
    Role.CHIEF_EDITOR: "zb", Role.LEADER: "ld", Role.SYSTEM_ADMIN: "xtgl", Role.SECURITY_ADMIN: "aqgl",
    Role.AUDIT_ADMIN: "sjgl", Role.DUTY_OFFICER: "zhiban",
}

# The well-known demo logins, printed first (username, role label, unit code).
WELL_KNOWN: list[tuple[str, str, str]] = [
    ("xinxiyuan", "信息员", DEMO_COUNTY_CODE),
    ("qianfa", "签发人（分管领导）", DEMO_COUNTY_CODE),
    ("bianji", "编辑（市信息科）", DEMO_CITY_CODE),
    ("zhubian", "信息科负责人（主编）", DEMO_CITY_CODE),
    ("sheng_bianji", "编辑（省信息处）", PROVINCE_CODE),
    ("sheng_zhubian", "信息处负责人（主编）", PROVINCE_CODE),
    ("zhiban", "值班员（市政府总值班室）", DEMO_CITY_CODE),
    ("lingdao", "领导（副省长）", PROVINCE_CODE),
    ("zhibaodian", "直报点信息员", NATIONAL_DIRECT_POINT_CODE),
    ("guoban", "编辑（国务院办公厅）", NATIONAL_CODE),
    ("admin", "系统管理员（超级用户）", PROVINCE_CODE),
    ("anquan", "安全管理员", PROVINCE_CODE),
    ("shenji", "审计管理员", PROVINCE_CODE),
]


def _posts(spec: UnitSpec) -> dict[str, str]:
    """职务 for each role, by the kind and level of the unit."""
    if spec.level == UnitLevel.NATIONAL:
        return {Role.EDITOR: "秘书局信息处干部", Role.CHIEF_EDITOR: "秘书局信息处处长", Role.LEADER: "国务院副秘书长"}
    if spec.kind == UnitKind.DEPARTMENT:
        head = "厅长" if spec.short_name.endswith("厅") else ("局长" if spec.short_name.endswith("局") else "主任")
        return {Role.INFORMANT: "办公室信息员", Role.SIGNER: "办公室主任", Role.PRINCIPAL: head}
    if spec.kind == UnitKind.LIAISON_OFFICE:
        return {Role.INFORMANT: "综合处信息员", Role.SIGNER: "副主任", Role.PRINCIPAL: "主任"}
    if spec.kind == UnitKind.SPECIAL_INFORMANT:
        return {Role.INFORMANT: spec.person, Role.SIGNER: spec.person}
    if spec.level == UnitLevel.PROVINCE:
        return {
            Role.INFORMANT: "信息处一级主任科员", Role.SIGNER: "办公厅副主任", Role.PRINCIPAL: "省政府副秘书长、办公厅主任",
            Role.EDITOR: "信息处副处长", Role.CHIEF_EDITOR: "信息处处长", Role.LEADER: "副省长",
            Role.SYSTEM_ADMIN: "信息中心系统管理员", Role.SECURITY_ADMIN: "信息中心安全管理员",
            Role.AUDIT_ADMIN: "机关纪委审计管理员", Role.DUTY_OFFICER: "省政府总值班室值班员",
        }
    if spec.level == UnitLevel.CITY:
        return {
            Role.INFORMANT: "信息科一级科员", Role.SIGNER: "市政府办公室副主任", Role.PRINCIPAL: "市政府副秘书长、办公室主任",
            Role.EDITOR: "信息科副科长", Role.CHIEF_EDITOR: "信息科科长", Role.LEADER: "副市长",
            Role.SYSTEM_ADMIN: "市大数据中心系统管理员", Role.DUTY_OFFICER: "市政府总值班室值班员",
        }
    if spec.level == UnitLevel.TOWNSHIP:
        head = "镇长" if spec.short_name.endswith("镇") else "乡长"
        return {Role.INFORMANT: "党政办公室干事", Role.SIGNER: f"副{head}", Role.PRINCIPAL: head}
    leader = "副区长" if spec.short_name.endswith("区") else "副县长"
    return {
        Role.INFORMANT: "信息科科员", Role.SIGNER: "政府办公室副主任", Role.PRINCIPAL: "政府办公室主任",
        Role.EDITOR: "信息科副科长", Role.CHIEF_EDITOR: "信息科科长", Role.LEADER: leader,
    }


def _people_for(spec: UnitSpec, index: int) -> list[PersonSpec]:
    posts = _posts(spec)
    out: list[PersonSpec] = []
    counts: dict[str, int] = {}

    def add(role: str, *, extra: tuple[str, ...] = (), username: str = "", name: str = "", superuser: bool = False):
        counts[role] = counts.get(role, 0) + 1
        n = counts[role]
        username = username or f"{spec.code}-{ROLE_ABBR[role]}{n if n > 1 else ''}"
        out.append(PersonSpec(username=username, unit=spec.code, roles=(role, *extra), post=posts.get(role, ""),
                              name=name, superuser=superuser))

    if spec.kind == UnitKind.SPECIAL_INFORMANT:
        # An individual reports as himself: he drafts and signs his own reports.
        name = next(p for c, p, _d, _t in SPECIAL_INFORMANTS if c == spec.code)
        add(Role.INFORMANT, extra=(Role.SIGNER,), username=spec.code, name=name)
        return out
    if spec.level == UnitLevel.NATIONAL:
        add(Role.EDITOR, username="guoban")
        add(Role.CHIEF_EDITOR)
        add(Role.LEADER)
        return out
    if spec.level == UnitLevel.PROVINCE and spec.kind == UnitKind.OFFICE:
        add(Role.SYSTEM_ADMIN, username="admin", superuser=True)
        add(Role.SECURITY_ADMIN, username="anquan")
        add(Role.AUDIT_ADMIN, username="shenji")
        add(Role.EDITOR, username="sheng_bianji")
        add(Role.EDITOR)
        add(Role.EDITOR)
        add(Role.CHIEF_EDITOR, username="sheng_zhubian")
        add(Role.LEADER, username="lingdao")
        add(Role.LEADER)
        add(Role.PRINCIPAL)
        add(Role.SIGNER)
        add(Role.INFORMANT)
        add(Role.DUTY_OFFICER)  # 省政府总值班室
        return out
    if spec.code == DEMO_COUNTY_CODE:
        add(Role.INFORMANT, username="xinxiyuan")
        add(Role.INFORMANT)
        add(Role.SIGNER, username="qianfa")
    elif spec.code == NATIONAL_DIRECT_POINT_CODE:
        add(Role.INFORMANT, username="zhibaodian")
        add(Role.SIGNER)
    else:
        add(Role.INFORMANT)
        if spec.level in (UnitLevel.CITY, UnitLevel.COUNTY) and index % 3 == 0:
            add(Role.INFORMANT)
        add(Role.SIGNER)
    if spec.level == UnitLevel.CITY and spec.kind == UnitKind.OFFICE:
        main = spec.code == DEMO_CITY_CODE
        add(Role.EDITOR, username="bianji" if main else "")
        add(Role.EDITOR)
        add(Role.CHIEF_EDITOR, username="zhubian" if main else "")
        add(Role.DUTY_OFFICER, username="zhiban" if main else "")  # 市政府总值班室
        add(Role.LEADER)
        add(Role.PRINCIPAL)
        add(Role.SYSTEM_ADMIN)
        return out
    if spec.receives:  # a county with townships screens their reports
        add(Role.EDITOR)
        add(Role.CHIEF_EDITOR)
        add(Role.LEADER)
    # 单位主要负责人: in the receiving offices, the demo county, and every other unit.
    if spec.receives or spec.code == DEMO_COUNTY_CODE or index % 2 == 0:
        add(Role.PRINCIPAL)
    return out


def build_layout() -> Layout:
    layout = Layout()
    units = layout.units
    units.append(UnitSpec(NATIONAL_CODE, "国务院办公厅", "国务院办公厅", UnitKind.OFFICE, UnitLevel.NATIONAL, None,
                          receives=True, address="北京市西城区西长安街", phone="010-63070000"))
    units.append(UnitSpec(PROVINCE_CODE, "江东省人民政府办公厅", "省政府办公厅", UnitKind.OFFICE, UnitLevel.PROVINCE,
                          NATIONAL_CODE, receives=True, address="江州市人民大道1号", phone="0571-87050000"))
    for code, name, short, domains in PROVINCIAL_DEPARTMENTS:
        units.append(UnitSpec(code, name, short, UnitKind.DEPARTMENT, UnitLevel.PROVINCE, PROVINCE_CODE,
                              domains=domains, address="江州市省府路", phone="0571-8705" + str(1000 + len(units))))
    units.append(UnitSpec("jd-zjb", "江东省人民政府驻北京办事处", "省政府驻京办", UnitKind.LIAISON_OFFICE,
                          UnitLevel.PROVINCE, PROVINCE_CODE, domains=("projects", "business"), address="北京市东城区",
                          phone="010-65120000"))
    units.append(UnitSpec("jd-zhb", "江东省人民政府驻上海办事处", "省政府驻沪办", UnitKind.LIAISON_OFFICE,
                          UnitLevel.PROVINCE, PROVINCE_CODE, domains=("business", "tourism"), address="上海市徐汇区",
                          phone="021-64380000"))
    for code, person, description, domains in SPECIAL_INFORMANTS:
        units.append(UnitSpec(code, f"特约信息员 {person}（{description}）", f"特约信息员{person}",
                              UnitKind.SPECIAL_INFORMANT, UnitLevel.PROVINCE, PROVINCE_CODE, person=description,
                              domains=domains))
    for city_code, city_name, area, counties in CITIES:
        units.append(UnitSpec(city_code, f"{city_name}人民政府办公室", city_name, UnitKind.OFFICE, UnitLevel.CITY,
                              PROVINCE_CODE, receives=True, city=city_name, address=f"{city_name}市府大道8号",
                              phone=f"{area}-88020000"))
        for parent, code, name, short, domains in CITY_DEPARTMENTS:
            if parent == city_code:
                units.append(UnitSpec(code, name, short, UnitKind.DEPARTMENT, UnitLevel.CITY, city_code,
                                      domains=domains, city=city_name, phone=f"{area}-8803{len(units):04d}"))
        for n, (code, county, towns) in enumerate(counties):
            full = f"{city_name}{county}人民政府办公室" if county.endswith("区") else f"{county}人民政府办公室"
            units.append(UnitSpec(code, full, county, UnitKind.OFFICE, UnitLevel.COUNTY, city_code,
                                  receives=bool(towns), towns=tuple(t for _c, t in towns), city=city_name,
                                  address=f"{county}政府路{n + 1}号", phone=f"{area}-6{n + 1}220000"))
            for town_code, town in towns:
                units.append(UnitSpec(f"{code}-{town_code}", f"{county}{town}人民政府", town, UnitKind.OFFICE,
                                      UnitLevel.TOWNSHIP, code, city=city_name, address=f"{county}{town}",
                                      phone=f"{area}-6{n + 1}23{len(units):04d}"))
    for index, spec in enumerate(units):
        layout.people.extend(_people_for(spec, index))
    for code, days in DIRECT_POINTS:
        reason = REASON_NATIONAL if code == NATIONAL_DIRECT_POINT_CODE else REASON_APPOINTED
        layout.direct_point_history.append(DirectPointChange(code, True, days, reason))
    for code, since, until in FORMER_DIRECT_POINTS:
        layout.direct_point_history.append(DirectPointChange(code, True, since, REASON_APPOINTED))
        layout.direct_point_history.append(DirectPointChange(code, False, until, REASON_REMOVED))
    return layout
