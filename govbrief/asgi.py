"""The ASGI application (`govbrief serve`, uvicorn): the live streams of open pages go straight to
notifications.stream.asgi_live, which holds neither a thread nor a database connection while a page
stays open; everything else goes to Django."""

import os
import warnings

from django.core.asgi import get_asgi_application

# WhiteNoise serves the static files as synchronous file iterators, which Django reads in a thread
# under ASGI and warns about on every file; that is fine for a handful of cached CSS and JS files
# (production serves the pages, and so the static files, from gunicorn).
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govbrief.settings")
django_application = get_asgi_application()

from django.urls import reverse  # noqa: E402 - after Django is set up

from govbrief.notifications.stream import asgi_live  # noqa: E402

LIVE_PATH = reverse("notifications:live")


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == LIVE_PATH:
        await asgi_live(scope, receive, send)
    else:
        await django_application(scope, receive, send)
