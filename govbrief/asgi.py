"""The ASGI application: every page, and the live streams that need an async server
(notifications.stream). `govbrief serve` runs it under uvicorn; see the README for production."""

import os
import warnings

from django.core.asgi import get_asgi_application

# WhiteNoise serves the static files as synchronous file iterators, which Django reads in a thread
# under ASGI and warns about on every file; that is fine for a handful of cached CSS and JS files
# (production may serve /static/ from the proxy instead, README).
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govbrief.settings")
application = get_asgi_application()
