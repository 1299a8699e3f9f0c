"""JSON shapes of reports and submissions (output.py), the bodies of their transitions (input.py)
and the editor's desk (desk.py)."""

from govbrief.core.serializers import ErrorSerializer, IndexedListField

from .compare import ComparisonSerializer, RewriteSerializer
from .desk import (
    AssignSerializer, BulkResultSerializer, BulkSerializer, CommentCreateSerializer, QueueCountsSerializer,
    SubmissionCommentSerializer,
)
from .input import (
    AdoptSerializer, AttachmentUploadSerializer, CommentSerializer, DocxImportSerializer, ForwardSerializer,
    NoteSerializer, ReportCreateSerializer, ReportCreateUploadSerializer, ReportUpdateSerializer, ResubmitSerializer, ReturnSerializer,
    SubmitSerializer, UnitIdListField,
)
from .output import (
    AdoptionSerializer, AttachmentSerializer, EditLockSerializer, EventSerializer, InboxItemSerializer,
    ReportActionsSerializer, ReportDetailSerializer, ReportListSerializer, SubmissionActionsSerializer,
    SubmissionBriefSerializer, SubmissionDetailSerializer, VersionSerializer, VersionSummarySerializer,
)

__all__ = [
    "AdoptSerializer", "AdoptionSerializer", "AssignSerializer", "AttachmentSerializer", "AttachmentUploadSerializer",
    "BulkResultSerializer", "BulkSerializer", "CommentCreateSerializer", "CommentSerializer", "ComparisonSerializer", "RewriteSerializer", "DocxImportSerializer", "EditLockSerializer",
    "ErrorSerializer", "EventSerializer", "ForwardSerializer", "InboxItemSerializer", "IndexedListField",
    "NoteSerializer", "QueueCountsSerializer", "ReportActionsSerializer", "ReportCreateSerializer", "ReportCreateUploadSerializer",
    "ReportDetailSerializer", "ReportListSerializer", "ReportUpdateSerializer", "ResubmitSerializer",
    "ReturnSerializer", "SubmissionActionsSerializer", "SubmissionBriefSerializer", "SubmissionCommentSerializer",
    "SubmissionDetailSerializer", "SubmitSerializer", "UnitIdListField", "VersionSerializer",
    "VersionSummarySerializer",
]
