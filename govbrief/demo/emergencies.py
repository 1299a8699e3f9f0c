"""The demo's emergencies (issue 17): incidents under 江州市 (the city office of the well-known editors
bianji and zhubian) and its counties, in every state a duty board shows — requested and still
waiting (deadline ahead), requested and overdue with nobody reporting, reported on time with
follow-ups and a final report and then closed, reported late (the clock's 迟报 record, answered by
the unit), reported by phone first and in writing later, and marked missed (漏报), false (谎报) and
concealed (瞒报) — with what the office did with each item (专报, 送阅, 综合, 备查, 约稿) and a State
Council decision on the serious one.

Every step goes through the services (``govbrief.emergencies.services`` and, for the reports
themselves, ``govbrief.reports.services``), so timelines, audit entries and notifications are real;
each step runs at the real "now" and is then moved to its moment in the story, like the reports'
(loader.Stamper) and the bulletins' (bulletins.step). The clocks judge a report by its submission's
own time, so a submission is dated before its arrival is judged (the arrival is run in the step,
not left to the subscriber after the commit, which then finds it done). Times that a service takes
as an argument (when the incident happened, when the desk learned of it, a request's moment, a
phone call) are given as they were.

Idempotent: an incident is recognised by its title; one that exists is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from govbrief.core.models import Reminder
from govbrief.core.reminders import send_reminder
from govbrief.emergencies import services
from govbrief.emergencies.choices import ClockState, DispositionKind, IncidentKind, RecordKind, Stage
from govbrief.emergencies.models import (
    Clock,
    Disposition,
    EmergencyReport,
    Escalation,
    Incident,
    IncidentEvent,
    PhoneReport,
    ReportingRecord,
    Request,
)
from govbrief.emergencies.reminders import CLOCK
from govbrief.events.delivery import delivering_inline
from govbrief.notifications.channels import send_email, send_sms
from govbrief.notifications.models import Notification
from govbrief.orgs.choices import Role
from govbrief.orgs.models import Unit, User
from govbrief.reports import services as report_services
from govbrief.reports.models import Adoption, Report, ReportEvent, ReportVersion, Submission, SubmissionRead

from .bulletins import step
from .province import DEMO_CITY_CODE, DEMO_COUNTY_CODE, NATIONAL_DIRECT_POINT_CODE, PROVINCE_CODE

# The rows a step may write with the real "now", and their time fields: moved to the step's moment.
# Times a service takes as an argument (occurred_at, learned_at, requested_at, called_at) and the
# clocks' deadlines are not among them; the audit log keeps its real times (its hash chain covers them).
STAMPED: tuple[tuple[type, tuple[str, ...]], ...] = (
    (Incident, ("created_at", "closed_at")),
    (IncidentEvent, ("created_at",)),
    (EmergencyReport, ("created_at",)),
    (Request, ("requested_at", "cancelled_at")),
    (PhoneReport, ("logged_at",)),
    (Disposition, ("decided_at",)),
    (Escalation, ("decided_at",)),
    (ReportingRecord, ("marked_at", "answered_at")),
    (Report, ("created_at", "updated_at")),
    (ReportVersion, ("created_at", "signed_at")),
    (Submission, ("submitted_at", "decided_at", "first_opened_at", "assigned_at")),
    (Adoption, ("adopted_at",)),
    (ReportEvent, ("created_at",)),
    (SubmissionRead, ("read_at",)),
    (Notification, ("created_at",)),
    (Reminder, ("sent_at",)),
)

# Minutes between a report's steps in its unit: drafted, sent for sign-off, signed, submitted.
DRAFT_BEFORE, REQUEST_BEFORE, SIGN_BEFORE = 24, 16, 5


def _day(now: datetime, days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A local moment ``days_ago`` days before the day of ``now``."""
    day = timezone.localtime(now).date() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _md(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日"


def _hm(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.hour}时{local.minute:02d}分" if local.minute else f"{local.hour}时"


@contextmanager
def _requests_dated(when: datetime) -> Iterator[None]:
    """``disposition_record`` (约稿) makes its request through ``services.request_create`` without a
    moment of its own, so the request's clock would count from the real now: within the block that
    request is made at ``when``, as the demo's other requests are."""
    original = services.request_create

    def dated(**kwargs):
        return original(**{**kwargs, "now": when})

    services.request_create = dated
    try:
        yield
    finally:
        services.request_create = original


@dataclass
class Cast:
    """Who acts: the city office's desk, its chief editor and leader, and the units below."""

    office: Unit
    desk: User  # the well-known editor (bianji): screens, records dispositions and marks records
    duty: User  # whoever keeps the duty desk: a duty officer if the office has one, else the editor
    chief: User
    leader: User

    @classmethod
    def of(cls) -> Cast | None:
        office = Unit.objects.filter(code=DEMO_CITY_CODE).first()
        if office is None:
            return None
        desk = _person(office, Role.EDITOR, username="bianji")
        chief = _person(office, Role.CHIEF_EDITOR, username="zhubian")
        leader = _person(office, Role.LEADER)
        if desk is None or chief is None or leader is None:
            return None
        return cls(office=office, desk=desk, duty=_person(office, Role.DUTY_OFFICER) or desk, chief=chief,
                   leader=leader)

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(code=code)

    @staticmethod
    def informant(unit: Unit) -> User:
        return _person(unit, Role.INFORMANT, username="xinxiyuan" if unit.code == DEMO_COUNTY_CODE else "")

    @staticmethod
    def signer(unit: Unit) -> User:
        return _person(unit, Role.SIGNER, username="qianfa" if unit.code == DEMO_COUNTY_CODE else "")


def _stamp(wall: datetime, when: datetime) -> None:
    for model, fields in STAMPED:
        for name in fields:
            model.objects.filter(**{f"{name}__gte": wall}).update(**{name: when})


def _moves_a_clock(sub: Submission) -> bool:
    """Whether services.written_report_arrived would start, stop or complete a clock for this item
    (its own rules): no clock yet (unasked), one running, or one a phone call stopped that awaits
    the written report."""
    record = EmergencyReport.objects.get(report_id=sub.report_id)
    clocks = Clock.objects.filter(incident_id=record.incident_id, office_id=sub.to_unit_id,
                                  unit_id=sub.from_unit_id).exclude(state=ClockState.WITHDRAWN)
    return not clocks.exists() or clocks.filter(Q(state=ClockState.WAITING) | Q(written_at__isnull=True)).exists()


def _person(unit: Unit, role: str, *, username: str = "") -> User | None:
    people = User.objects.filter(unit=unit, is_active=True, role_assignments__role=role).order_by("id")
    return (people.filter(username=username).first() if username else None) or people.first()


class Story:
    """One incident's history, step by step at its moments."""

    def __init__(self, cast: Cast) -> None:
        self.cast = cast

    def do(self, when: datetime, call: Callable, **kwargs):
        """Run a service call and move what it wrote to ``when`` (its notifications, written once
        the step commits, too: bulletins.step)."""
        with step(when):
            wall = timezone.now()
            result = call(**kwargs)
            _stamp(wall, when)
            # What the step's subscribers write once it commits: a follow-up's arrival on the timeline
            # (the notifications: bulletins.step).
            transaction.on_commit(lambda: IncidentEvent.objects.filter(created_at__gte=wall).update(created_at=when))
        return result

    # -- the unit

    def report(self, at: datetime, *, incident: Incident, unit: Unit, title: str, body: str, elements: dict,
               casualties: dict | None = None, stage: str | None = None,
               targets: list[Unit] | None = None) -> list[Submission]:
        """Drafted, signed off and submitted by the unit; submitted at ``at`` to the second."""
        author, signer = self.cast.informant(unit), self.cast.signer(unit)
        report = self.do(at - timedelta(minutes=DRAFT_BEFORE), services.emergency_report_create, author=author,
                         incident=incident, title=title, body=body, stage=stage,
                         elements={"occurred_at": incident.occurred_at, "place": incident.place, **elements},
                         casualties=casualties or {}, contact_name=author.get_full_name(),
                         contact_phone=author.office_phone or author.mobile)
        self.do(at - timedelta(minutes=REQUEST_BEFORE), report_services.report_request_signoff, report=report,
                user=author)
        self.do(at - timedelta(minutes=SIGN_BEFORE), report_services.report_sign_off, report=report, signer=signer,
                comment="情况属实，同意报送。")
        subs = self.do(at, report_services.report_submit, report=report, user=author,
                       targets=targets or [unit.parent])
        self.arrived(at, subs)
        return subs

    def arrived(self, at: datetime, subs: list[Submission]) -> None:
        """Judge now, by the (already dated) submission, an arrival that starts, stops or completes a
        clock: later steps read it (the subscriber, after the commit, finds it done). A follow-up that
        moves no clock is left to the subscriber: judging it twice would tell of it twice."""
        for sub in subs:
            if _moves_a_clock(sub):
                self.do(at, services.written_report_arrived, submission_id=sub.pk)

    # -- the office

    def open_item(self, at: datetime, sub: Submission, user: User | None = None) -> None:
        self.do(at, report_services.submission_mark_opened, submission=sub, user=user or self.cast.desk)

    def dispose(self, at: datetime, sub: Submission, kind: str, **kwargs) -> Disposition:
        user = kwargs.pop("user", self.cast.desk)
        before = set(Submission.objects.filter(parent=sub).values_list("pk", flat=True))
        with _requests_dated(at):
            disposition = self.do(at, services.disposition_record, user=user, submission=sub, kind=kind, **kwargs)
        self.arrived(at, list(Submission.objects.filter(parent=sub).exclude(pk__in=before)))  # 专报: sent on up
        return disposition

    def request(self, at: datetime, incident: Incident, units: list[Unit], message: str) -> list[Request]:
        return self.do(at, services.request_create, user=self.cast.duty, incident=incident, units=units,
                       message=message, now=at)

    def overdue(self, clock: Clock) -> None:
        """The clock's overdue reminder, sent at the deadline (its task was queued for the real now,
        the deadline having passed): so the unit and the desk were told then."""
        reminders = Reminder.objects.filter(purpose=CLOCK, stage="overdue", sent_at__isnull=True,
                                            target_type=Clock._meta.label_lower, target_id=str(clock.pk))
        for reminder in reminders:
            self.do(clock.deadline, send_reminder.call, reminder_id=reminder.pk)
            DBTaskResult.objects.filter(id=reminder.task_id, status="READY").delete()
            Reminder.objects.filter(pk=reminder.pk).update(remind_at=clock.deadline)


# ---------------------------------------------------------------- the incidents

def waiting(s: Story, now: datetime) -> None:
    """Requested 40 minutes ago: the city's emergency bureau has reported, the district not yet."""
    c = s.cast
    chengxi, bureau = c.unit("chengxi"), c.unit("jiangzhou-yjj")
    occurred = now - timedelta(minutes=75)
    incident = s.do(now - timedelta(minutes=50), services.incident_open, user=c.duty, kind=IncidentKind.ACCIDENT,
                    title="城西区金桥路一居民楼火灾", place="城西区金桥路金桥花园小区12幢",
                    occurred_at=occurred, learned_at=now - timedelta(minutes=55), unit=chengxi,
                    description="市消防救援支队通报：金桥花园小区12幢一住户起火，火势沿楼道蔓延，消防救援力量已到场"
                                "处置，人员伤亡和群众疏散情况不明。")
    s.request(now - timedelta(minutes=40), incident, [chengxi, bureau],
              "请立即核实火灾人员伤亡和群众疏散安置情况，按规定时限书面报告市政府办公室。")
    s.report(now - timedelta(minutes=12), incident=incident, unit=bureau,
             title="市应急管理局关于城西区金桥花园小区居民楼火灾的情况报告",
             body=f"{_md(occurred)}{_hm(occurred)}许，城西区金桥路金桥花园小区12幢6楼一住户家中起火，火势沿楼道向上蔓延。\n"
                  "接报后，我局立即启动应急响应，值班领导带队赶赴现场，协调市消防救援支队调派4个消防站、"
                  "13辆消防车、62名指战员到场处置。截至目前，明火已扑灭，共疏散群众86人，2名群众因吸入烟雾"
                  "送市第二人民医院观察治疗，无生命危险。\n"
                  "目前现场清理和火灾原因调查正在进行，城西区正组织受影响住户临时安置。有关情况将及时续报。",
             elements={"source": "市应急管理局值班室、市消防救援支队", "nature": "火灾（居民住宅）",
                       "scope": "12幢6至8楼楼道及1户住宅过火，疏散群众86人", "trend": "明火已扑灭，无复燃迹象",
                       "measures": "调派消防救援力量62人；疏散群众86人；2名伤员送医观察；城西区组织临时安置"},
             casualties={"injuries": 2})


def overdue(s: Story, now: datetime) -> None:
    """Requested four hours ago; the district has not reported, and the clock ran out."""
    c = s.cast
    jiangbin = c.unit("jiangbin")
    incident = s.do(now - timedelta(minutes=255), services.incident_open, user=c.duty,
                    kind=IncidentKind.ACCIDENT, title="江滨区滨江大道一危化品运输车辆泄漏",
                    place="江滨区滨江大道与江滨路交叉口", occurred_at=now - timedelta(minutes=330),
                    learned_at=now - timedelta(minutes=260), unit=jiangbin,
                    description="网络舆情监测发现：一辆危化品运输槽罐车在滨江大道发生泄漏，现场有刺激性气味，"
                                "周边道路已临时封闭，泄漏物质及人员伤亡情况不明。")
    (req,) = s.request(now - timedelta(minutes=245), incident, [jiangbin],
                       "请江滨区立即核实泄漏物质、影响范围、人员伤亡及周边群众疏散情况，并书面报告。")
    s.overdue(req.clocks.get())


def on_time(s: Story, now: datetime) -> None:
    """The serious one: the county reports unasked within the hour, follows up twice (the second at
    the office's request, 约稿) and files its final report; the office sends it on up (专报), to its
    leader (送阅), into its duty bulletin (综合) and keeps the final report (备查), decides that it goes
    on to the State Council office, and closes it when the handling is over."""
    c = s.cast
    linjiang = c.unit(DEMO_COUNTY_CODE)
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    occurred = _day(now, 4, 7, 40)
    title = "临江县S312省道东湖镇段客车侧翻事故"
    incident = s.do(occurred + timedelta(minutes=25), services.incident_open, user=c.informant(linjiang),
                    kind=IncidentKind.ACCIDENT, title=title, place="临江县东湖镇S312省道K47+300处",
                    occurred_at=occurred, learned_at=occurred + timedelta(minutes=18),
                    description="一辆由临江县城开往江州市区的大型客车（核载45人，实载38人）在S312省道东湖镇段侧翻"
                                "至路边边沟，造成人员伤亡。", deaths=2, injuries=11, missing=1)
    facts = {"source": "县公安局交通警察大队、县应急管理局现场报告", "nature": "道路交通事故（营运客车侧翻）"}
    (first,) = s.report(
        occurred + timedelta(minutes=48), incident=incident, unit=linjiang, title=f"关于{title}的初报",
        body=f"{_md(occurred)}7时40分许，一辆由临江县城开往江州市区的大型客车（核载45人，实载38人）行驶至S312省道"
             "东湖镇段K47+300处时侧翻至路边边沟。\n"
             "事故已造成2人死亡、11人受伤（其中重伤3人），1人失联。伤员已全部送往县人民医院和东湖镇卫生院救治。\n"
             "事故发生后，县委、县政府主要负责同志第一时间赶赴现场指挥处置，县公安、交通运输、应急管理、卫生健康等部门"
             "和东湖镇全力开展搜救、伤员救治和交通管制，事故路段实行单向通行。事故原因正在调查中，有关情况将及时续报。",
        elements={**facts, "scope": "造成2人死亡、11人受伤、1人失联；S312省道事故路段单向通行",
                  "trend": "现场搜救仍在进行，重伤人员正在全力救治，伤亡人数可能变化",
                  "measures": "县领导赶赴现场指挥；调集救护车8辆、医护人员46名救治伤员；公安、交通运输部门实施交通管制"},
        casualties={"deaths": 2, "injuries": 11, "missing": 1})
    s.open_item(occurred + timedelta(minutes=53), first)
    s.dispose(occurred + timedelta(minutes=70), first, DispositionKind.SPECIAL,
              note="已编发《值班信息专报》，报省政府总值班室。", targets=[province] if province else ())
    s.dispose(occurred + timedelta(minutes=74), first, DispositionKind.FOR_READING, leaders=[c.leader],
              note="呈分管副市长阅示。")
    s.do(occurred + timedelta(minutes=90), services.escalation_decide, user=c.chief, incident=incident,
         to_state_council=True,
         reason="营运客车侧翻已造成多人死亡，伤亡人数仍可能上升，涉及跨县市客运线路，社会关注度高。经与省政府"
                "总值班室会商，按规定报国务院办公厅。")
    (second,) = s.report(
        occurred + timedelta(minutes=192), incident=incident, unit=linjiang, title=f"关于{title}的续报（一）",
        body="截至10时30分，失联人员已在事故现场边沟下游约200米处找到，经确认已死亡，事故死亡人数上升至3人；另有4名"
             "乘客自行就医后陆续到医院登记，受伤人数调整为15人（其中重伤3人）。\n"
             "市卫生健康委派出的专家组已抵达县人民医院指导重伤员救治。事故车辆驾驶员已被公安机关控制，车辆已拖离现场，"
             "S312省道事故路段恢复双向通行。",
        elements={**facts, "scope": "造成3人死亡、15人受伤；S312省道已恢复双向通行",
                  "trend": "搜救结束；3名重伤员仍在抢救", "measures": "市级专家组指导救治；驾驶员已被控制；恢复交通"},
        casualties={"deaths": 3, "injuries": 15, "missing": 0})
    s.open_item(occurred + timedelta(minutes=205), second)
    s.dispose(occurred + timedelta(minutes=220), second, DispositionKind.MORE, note="伤员救治及事故原因不清，约稿。",
              message="请进一步报告重伤员救治、事故原因初步调查和善后处置情况，2小时内续报。")
    (third,) = s.report(
        occurred + timedelta(minutes=325), incident=incident, unit=linjiang, title=f"关于{title}的续报（二）",
        body="根据市政府办公室约稿要求，现将有关情况续报如下。\n"
             "一、伤员救治情况。15名伤员中，3名重伤员仍在县人民医院重症监护室救治，其中1人伤情危重；其余12人病情稳定。\n"
             "二、事故原因。经初步调查，事故系驾驶员雨天超速行驶、处置不当所致，车辆所属运输公司存在安全管理不到位问题。\n"
             "三、善后处置。县政府已成立医疗救治、善后处置、事故调查3个工作组，对遇难者家属逐户开展安抚工作。"
             "直接经济损失初步估算85万元。",
        elements={**facts, "scope": "造成3人死亡、15人受伤，直接经济损失约85万元",
                  "trend": "1名重伤员伤情危重", "measures": "成立3个工作组；运输公司停业整顿；开展道路运输安全大检查"},
        casualties={"deaths": 3, "injuries": 15, "missing": 0, "loss": Decimal("85")})
    s.open_item(occurred + timedelta(minutes=335), third)
    s.dispose(occurred + timedelta(minutes=360), third, DispositionKind.DUTY_BULLETIN,
              note="已编入当日《值班信息》。")
    finished = _day(now, 2, 16, 50)
    (final,) = s.report(
        finished, incident=incident, unit=linjiang, title=f"关于{title}的终报", stage=Stage.FINAL,
        body="事故中1名重伤员经全力抢救无效死亡，事故共造成4人死亡、14人受伤，其中9人已治愈出院。\n"
             "遇难者善后工作已基本完成；市、县联合事故调查组已成立，调查工作转入常规程序。直接经济损失126.5万元。\n"
             "处置工作基本结束，此为终报。",
        elements={**facts, "scope": "共造成4人死亡、14人受伤，直接经济损失126.5万元", "trend": "处置工作基本结束",
                  "measures": "善后工作基本完成；成立事故调查组；全县开展道路交通安全隐患排查"},
        casualties={"deaths": 4, "injuries": 14, "missing": 0, "loss": Decimal("126.5")})
    s.open_item(finished + timedelta(minutes=15), final)
    s.dispose(finished + timedelta(minutes=30), final, DispositionKind.FILED, note="终报存档备查。")
    s.do(finished + timedelta(minutes=50), services.incident_close, user=c.chief, incident=incident,
         note="伤员救治和善后处置工作基本完成，事故调查转入常规程序。")


def late(s: Story, now: datetime) -> None:
    """Learned of from the news and requested; the district's initial report arrives after the
    deadline (the clock records 迟报 itself), and the district answers the record."""
    c = s.cast
    chengdong = c.unit("chengdong")
    occurred = _day(now, 3, 14, 10)
    title = "城东区建设路一在建工地脚手架坍塌"
    incident = s.do(_day(now, 3, 15, 30), services.incident_open, user=c.duty, kind=IncidentKind.ACCIDENT,
                    title=title, place="城东区建设路与纬二路交叉口东南侧安置房项目工地", occurred_at=occurred,
                    learned_at=_day(now, 3, 15, 25), unit=chengdong,
                    description="网民发布视频称建设路一在建工地脚手架坍塌、有工人被压，市政府办公室舆情监测发现后"
                                "要求城东区核实报告。")
    (req,) = s.request(_day(now, 3, 15, 35), incident, [chengdong],
                       "请城东区立即核实事故伤亡及处置情况，并按规定时限书面报告。")
    s.overdue(req.clocks.get())
    (sub,) = s.report(
        _day(now, 3, 17, 52), incident=incident, unit=chengdong, title=f"关于{title}事故的初报",
        body=f"{_md(occurred)}14时10分许，城东区建设路安置房项目3号楼外墙脚手架局部坍塌，造成正在作业的5名工人"
             "不同程度受伤，其中2人伤势较重，无人员死亡。\n"
             "事故发生后，区应急管理局、住房城乡建设局和建设路街道立即赶赴现场，伤员已全部送市第一人民医院救治。\n"
             "该项目已全面停工整改，区住房城乡建设局正组织对全区在建工地脚手架开展专项检查。",
        elements={"source": "区应急管理局、区住房城乡建设局", "nature": "生产安全事故（建筑施工）",
                  "scope": "5名工人受伤，其中2人伤势较重；项目已停工", "trend": "伤员病情稳定，无扩大趋势",
                  "measures": "伤员送医救治；项目停工整改；全区在建工地脚手架专项检查"},
        casualties={"deaths": 0, "injuries": 5})
    s.open_item(_day(now, 3, 18, 5), sub)
    s.dispose(_day(now, 3, 18, 20), sub, DispositionKind.DUTY_BULLETIN, note="已编入当日《值班信息》。")
    record = ReportingRecord.objects.get(incident=incident, kind=RecordKind.LATE)
    s.do(_day(now, 2, 9, 30), services.record_answer, user=c.signer(chengdong), record=record,
         answer="事发后我区第一时间组织救援，但伤亡人数核实耗时较长，未能先电话报告，书面初报延误。已对区应急管理局"
                "值班人员进行约谈，今后将严格执行“先电话、后书面”的报告制度。")


def phoned(s: Story, now: datetime) -> None:
    """The county calls the duty desk first (the call stops its clock) and reports in writing later,
    to the city and, as a direct reporting point, to the province; the city's emergency bureau has
    called too, its written report still awaited."""
    c = s.cast
    qingshi, bureau = c.unit(NATIONAL_DIRECT_POINT_CODE), c.unit("jiangzhou-yjj")
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    occurred = now - timedelta(hours=7)
    title = "青石县龙泉乡强降雨引发山体滑坡"
    call = now - timedelta(minutes=390)
    incident = s.do(call + timedelta(minutes=6), services.incident_open, user=c.duty,
                    kind=IncidentKind.NATURAL_DISASTER, title=title, place="青石县龙泉乡大坪村三组",
                    occurred_at=occurred, learned_at=call, unit=qingshi, missing=2,
                    description="受持续强降雨影响，龙泉乡大坪村三组后山发生山体滑坡，冲毁民房2间，2人失联。")
    s.do(call + timedelta(minutes=10), services.phone_report_log, user=c.duty, incident=incident, unit=qingshi,
         caller=f"{c.informant(qingshi).get_full_name()}（青石县政府办公室）", caller_phone=qingshi.phone,
         called_at=call,
         summary="龙泉乡大坪村三组后山发生山体滑坡，方量约3000立方米，冲毁民房2间，初步核实2人失联。县应急管理、"
                 "自然资源、消防救援力量已赶赴现场搜救，周边23户67人已转移。书面报告随后报送。")
    s.do(call + timedelta(minutes=25), services.phone_report_log, user=c.duty, incident=incident, unit=bureau,
         caller="市应急管理局值班室", caller_phone=bureau.phone, called_at=call + timedelta(minutes=20),
         summary="已派出市消防救援支队重型救援队28人、搜救犬2只前往龙泉乡支援，市自然资源和规划局地质灾害专家同行。"
                 "书面情况随后报送。")
    facts = {"source": "青石县应急管理局、龙泉乡人民政府", "nature": "自然灾害（强降雨引发山体滑坡）"}
    targets = [qingshi.parent, province] if province else [qingshi.parent]
    subs = s.report(
        call + timedelta(minutes=80), incident=incident, unit=qingshi, title=f"关于{title}的初报", targets=targets,
        body=f"{_md(occurred)}{_hm(occurred)}许，受持续强降雨影响，青石县龙泉乡大坪村三组后山发生山体滑坡，"
             "滑坡体方量约3000立方米，冲毁民房2间，初步核实2人失联。\n"
             "县委、县政府主要负责同志带领应急管理、自然资源、消防救援等部门赶赴现场，组织力量全力搜救失联人员，"
             "并对滑坡点周边23户67名群众实施紧急转移安置。市消防救援支队重型救援队已到场增援。\n"
             "目前现场仍有降雨，存在二次滑坡风险，搜救工作在专家指导下有序进行。有关情况将及时续报。",
        elements={**facts, "scope": "冲毁民房2间，2人失联，转移群众23户67人",
                  "trend": "现场仍有降雨，存在二次滑坡风险", "measures": "组织搜救；转移周边群众；市级救援力量增援"},
        casualties={"missing": 2})
    city_sub = next(sub for sub in subs if sub.to_unit_id == c.office.pk)
    s.open_item(call + timedelta(minutes=90), city_sub)
    s.dispose(call + timedelta(minutes=100), city_sub, DispositionKind.FOR_READING, leaders=[c.leader],
              note="呈分管副市长阅示。")
    s.report(now - timedelta(minutes=120), incident=incident, unit=qingshi, title=f"关于{title}的续报",
             body="截至目前，2名失联人员均已找到：1人被救出，受轻伤，已送县人民医院救治；1人经全力搜救确认死亡。\n"
                  "转移群众已全部妥善安置，县自然资源局组织专家对滑坡点及周边隐患点开展排查，设立警戒区并安排专人监测。",
             elements={**facts, "scope": "1人死亡、1人受伤，冲毁民房2间", "trend": "搜救结束，滑坡点趋于稳定",
                       "measures": "伤员救治；群众安置；隐患点排查和专人监测"},
             casualties={"deaths": 1, "injuries": 1, "missing": 0})


def missed(s: Story, now: datetime) -> None:
    """Learned of from the province's notice: the district never reported it (漏报)."""
    c = s.cast
    jiangbin = c.unit("jiangbin")
    occurred = _day(now, 12, 2, 20)
    incident = s.do(_day(now, 11, 9, 20), services.incident_open, user=c.duty, kind=IncidentKind.ACCIDENT,
                    title="江滨区沿江农贸市场火灾", place="江滨区沿江路沿江农贸市场", occurred_at=occurred,
                    learned_at=_day(now, 11, 9, 10), unit=jiangbin, loss="230",
                    description="沿江农贸市场凌晨发生火灾，过火面积约1200平方米，无人员伤亡，直接经济损失初步估算"
                                "230余万元。市政府办公室系从省政府总值班室通报中获知。")
    s.do(_day(now, 11, 9, 45), services.record_mark, user=c.desk, incident=incident, unit=jiangbin,
         kind=RecordKind.MISSED,
         reason="该火灾过火面积约1200平方米，直接经济损失230余万元，达到较大突发事件信息报告标准。江滨区未按规定向"
                "市政府报告，市政府办公室系从省政府总值班室通报中获知，属漏报。")
    s.do(_day(now, 11, 17, 0), services.incident_close, user=c.chief, incident=incident,
         note="火灾已扑灭，善后工作由江滨区负责。")


def false_report(s: Story, now: datetime) -> None:
    """The county's initial report says more than was true (谎报); the county answers the record,
    then files its final report."""
    c = s.cast
    linjiang = c.unit(DEMO_COUNTY_CODE)
    occurred = _day(now, 8, 20, 10)
    title = "临江县白水乡石门坑水库出现管涌险情"
    incident = s.do(_day(now, 8, 21, 0), services.incident_open, user=c.informant(linjiang),
                    kind=IncidentKind.NATURAL_DISASTER, title=title, place="临江县白水乡石门坑水库大坝背水坡",
                    occurred_at=occurred, learned_at=_day(now, 8, 20, 35),
                    description="受连续强降雨影响，石门坑水库（小（1）型）大坝背水坡出现管涌险情，威胁下游3个村民小组。")
    facts = {"source": "白水乡人民政府、县水利局", "nature": "自然灾害（水库管涌险情）"}
    (sub,) = s.report(
        _day(now, 8, 21, 40), incident=incident, unit=linjiang, title=f"关于{title}的初报",
        body=f"{_md(occurred)}20时10分许，受连续强降雨影响，白水乡石门坑水库大坝背水坡出现管涌险情。\n"
             "险情发生后，县、乡两级立即启动防汛应急响应，下游3个村民小组426名群众已全部安全转移，"
             "县水利局专家已在现场指导抢险，险情已得到有效控制。",
        elements={**facts, "scope": "威胁下游3个村民小组426人", "trend": "险情已得到有效控制",
                  "measures": "启动防汛应急响应；下游群众全部转移；专家现场指导抢险"},
        casualties={"deaths": 0, "injuries": 0})
    s.open_item(_day(now, 8, 21, 50), sub)
    s.do(_day(now, 7, 10, 0), services.record_mark, user=c.desk, incident=incident, unit=linjiang,
         kind=RecordKind.FALSE, report=Report.objects.get(pk=sub.report_id),
         reason="经市水利局现场核查，截至初报报送时，下游群众实际仅转移约120人，管涌点尚未完成处置。初报中“已全部"
                "安全转移”“险情已得到有效控制”等表述与事实不符，属谎报。")
    s.report(_day(now, 7, 11, 30), incident=incident, unit=linjiang, title=f"关于{title}的终报", stage=Stage.FINAL,
             body=f"截至{_md(_day(now, 7, 6, 0))}6时，下游3个村民小组426名群众已全部转移安置，管涌点已完成反滤围井处置，"
                  "水库水位降至汛限水位以下，险情排除。\n"
                  "县水利局已对全县小型水库开展拉网式排查，落实每座水库的巡查责任人和转移预案。此为终报。",
             elements={**facts, "scope": "下游426人全部转移安置，无人员伤亡", "trend": "险情已排除",
                       "measures": "反滤围井处置管涌；降低库水位；全县小型水库排查"},
             casualties={"deaths": 0, "injuries": 0})
    record = ReportingRecord.objects.get(incident=incident, kind=RecordKind.FALSE)
    s.do(_day(now, 7, 15, 30), services.record_answer, user=c.signer(linjiang), record=record,
         answer="经县政府调查，初报系根据乡政府电话汇报汇总，未经核实即上报，相关表述不准确。我县已对白水乡有关责任人"
                "进行通报批评，并举一反三，严格执行突发事件信息核实制度。")
    s.do(_day(now, 6, 10, 0), services.incident_close, user=c.chief, incident=incident, note="险情排除，处置结束。")


def concealed(s: Story, now: datetime) -> None:
    """The district reports on time but leaves out a death (瞒报); its record is not answered yet."""
    c = s.cast
    chengdong = c.unit("chengdong")
    occurred = _day(now, 20, 10, 15)
    title = "城东区一食品企业污水池有限空间作业中毒事故"
    incident = s.do(_day(now, 20, 11, 0), services.incident_open, user=c.informant(chengdong),
                    kind=IncidentKind.ACCIDENT, title=title, place="城东区经济开发区华丰食品有限公司污水处理站",
                    occurred_at=occurred, learned_at=_day(now, 20, 10, 40), injuries=2,
                    description="华丰食品有限公司2名作业人员在清理污水池时吸入有毒气体，已送医救治。")
    (sub,) = s.report(
        _day(now, 20, 11, 40), incident=incident, unit=chengdong, title=f"关于{title}的初报",
        body=f"{_md(occurred)}10时15分许，城东区经济开发区华丰食品有限公司2名作业人员在清理污水池时吸入有毒气体，"
             "已送市第一人民医院救治，生命体征平稳，无人员死亡。\n"
             "区应急管理局已责令该企业停产整改，并对辖区涉及有限空间作业的企业开展专项检查。",
        elements={"source": "区应急管理局", "nature": "生产安全事故（有限空间作业中毒）", "scope": "2人受伤",
                  "trend": "伤员生命体征平稳", "measures": "伤员送医；企业停产整改；有限空间作业专项检查"},
        casualties={"deaths": 0, "injuries": 2})
    s.open_item(_day(now, 20, 11, 55), sub)
    s.dispose(_day(now, 20, 12, 10), sub, DispositionKind.DUTY_BULLETIN, note="已编入当日《值班信息》。")
    s.do(_day(now, 18, 16, 0), services.record_mark, user=c.desk, incident=incident, unit=chengdong,
         kind=RecordKind.CONCEALED, report=Report.objects.get(pk=sub.report_id),
         reason="据市应急管理局核查和媒体报道，事故发生时已有1名作业人员在池底死亡。城东区初报称“无人员死亡”，"
                "此后亦未续报，属瞒报。")
    s.do(_day(now, 17, 10, 0), services.incident_close, user=c.chief, incident=incident,
         note="事故调查由市应急管理局牵头进行。")


# (title, story): the title is how a second run recognises the incident.
INCIDENTS: tuple[tuple[str, Callable[[Story, datetime], None]], ...] = (
    ("城东区一食品企业污水池有限空间作业中毒事故", concealed),
    ("江滨区沿江农贸市场火灾", missed),
    ("临江县白水乡石门坑水库出现管涌险情", false_report),
    ("临江县S312省道东湖镇段客车侧翻事故", on_time),
    ("城东区建设路一在建工地脚手架坍塌", late),
    ("青石县龙泉乡强降雨引发山体滑坡", phoned),
    ("江滨区滨江大道一危化品运输车辆泄漏", overdue),
    ("城西区金桥路一居民楼火灾", waiting),
)


def ensure_emergencies(now: datetime | None = None) -> int:
    """Make the demo incidents that are missing (by title), each in one transaction. Returns how many."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)  # the story's times in whole minutes
    cast = Cast.of()
    if cast is None:
        return 0
    have = set(Incident.objects.filter(title__in=[t for t, _story in INCIDENTS]).values_list("title", flat=True))
    made = 0
    for title, story in INCIDENTS:
        if title in have:
            continue
        last = Notification.objects.aggregate(m=Max("id"))["m"] or 0
        with delivering_inline(), transaction.atomic():
            story(Story(cast), now)
        _keep_history_quiet(Notification.objects.filter(id__gt=last))
        made += 1
    return made


def _keep_history_quiet(notifications) -> None:
    """The incidents' notices are urgent, so each also went out by e-mail and text message, as tasks
    queued for now: the demo's history is not news, so those are dropped (the notices stay in the
    app). A running clock's reminders still come, with their messages, when they are due."""
    ids = set(notifications.values_list("id", flat=True))
    if not ids:
        return  # not committed yet (a test's transaction): nothing was queued either
    queued = DBTaskResult.objects.filter(status="READY", task_path__in=(send_email.module_path, send_sms.module_path))
    drop = [task.id for task in queued.only("id", "args_kwargs") if (task.args_kwargs.get("args") or [None])[0] in ids]
    DBTaskResult.objects.filter(id__in=drop).delete()


__all__ = ["INCIDENTS", "ensure_emergencies"]
