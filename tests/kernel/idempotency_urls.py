"""A test-only endpoint that holds its request open, to observe a key in flight."""

import threading

from django.urls import include, path
from rest_framework.response import Response

from o2c.api import APIView

entered = threading.Event()
release = threading.Event()


class SlowView(APIView):
    def post(self, request):
        entered.set()
        release.wait(timeout=20)
        return Response({"echo": request.data}, status=201)


urlpatterns = [
    path("slow/", SlowView.as_view()),
    path("", include("o2c.urls")),
]
