"""A stand-in edit page for the locks.js browser test: it takes the lock when shown, like the real editors do."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import RequestContext, Template
from django.urls import include, path

from govbrief.locks.models import EditLock
from govbrief.locks.services import lock_acquire
from govbrief.reports.models import Report
from govbrief.urls import urlpatterns as site_urlpatterns

PAGE = Template("""{% load static locks %}<!doctype html><html><body>
<form method="post" {% lock_attrs report %}>{% csrf_token %}
  <textarea name="body"></textarea><button type="submit">Save</button>
</form>
<a id="away" href="/locks-test/elsewhere/">elsewhere</a>
<script src="{% static 'govbrief/js/locks.js' %}"></script>
</body></html>""")


def edit(request, pk):
    report = get_object_or_404(Report, pk=pk)
    if request.method == "POST":
        held = EditLock.objects.filter(object_id=str(pk), holder=request.user).exists()
        return HttpResponse(f"saved; lock held while saving: {held}")
    lock_acquire(target=report, user=request.user)
    return HttpResponse(PAGE.render(RequestContext(request, {"report": report})))


def elsewhere(request):
    return HttpResponse("<!doctype html><p>elsewhere</p>")


urlpatterns = [
    path("locks-test/<int:pk>/", edit),
    path("locks-test/elsewhere/", elsewhere),
    path("", include(site_urlpatterns)),
]
