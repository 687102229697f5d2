"""The Django REST Framework peer: one DRF view over Django's Redis cache, on gunicorn.

The stack the original brief named, serving the same page of movies as movierec's cached
``GET /movies/trending``: the body is stored once in Django's cache (django-redis) at
start-up; each request reads it back through the cache, passes DRF's anonymous
throttle (also kept in the cache, rate raised out of the way but active) and is
rendered by DRF's JSON renderer. ``bench/request_path.py`` installs Django, DRF,
django-redis and gunicorn into a venv of its own and runs::

    gunicorn -w 2 --chdir bench/peers drf_app:application

Environment: ``DRF_BODY_FILE`` (the JSON body to serve), ``DRF_REDIS_URL``,
``DRF_CACHE_PREFIX``.
"""

from __future__ import annotations

import json
import os

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-" + "d" * 40,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    MIDDLEWARE=["django.middleware.security.SecurityMiddleware"],
    DATABASES={},
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ.get("DRF_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": os.environ.get("DRF_CACHE_PREFIX", "drf-bench"),
        }
    },
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "100000000/min"},
        "UNAUTHENTICATED_USER": None,
    },
)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

KEY = "movies:trending:week:1"
TTL = 15 * 60


def _stored() -> object:
    with open(os.environ["DRF_BODY_FILE"], "rb") as handle:
        body = json.load(handle)
    cache.set(KEY, body, TTL)
    return body


class Trending(APIView):
    """``GET /movies/trending``: the cached page, from Django's Redis cache."""

    def get(self, request: Request) -> Response:
        page = cache.get(KEY)
        if page is None:
            page = _stored()
        return Response(page, headers={"Cache-Control": f"public, max-age={TTL}"})


urlpatterns = [path("movies/trending", Trending.as_view())]
_stored()
application = get_wsgi_application()
