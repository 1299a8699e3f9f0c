"""The OpenAPI schema documents every answer the API can give (issue 13: 13 operations returned
400 or 404 that their schema did not list, so a generated client had no type for them).

Every operation may answer with core.api's error body for a request it cannot take (400), a missing
or wrong token (401), a role or unit that may not act (403), and something the user may not see or
a page past the end (404); operations that change something also for a request the object's
state refuses (409: core.errors.Conflict), one too large (413) or of a type they do not read (415),
and the token endpoint when it is asked too often (429). The schemathesis run in CI (tests/api)
holds the API to this."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

ALWAYS = ("400", "401", "403", "404")
WITH_BODY = ("409", "413", "415")


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        from .serializers import ErrorSerializer

        codes = list(ALWAYS)
        if self.method in ("POST", "PUT", "PATCH"):
            codes += WITH_BODY
        elif self.method == "DELETE":
            codes.append("409")
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        return dict(sorted(responses.items()))

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        from .serializers import StrictSerializer

        # A StrictSerializer refuses fields it does not declare: say so, so clients are not surprised.
        serializer_class = serializer if isinstance(serializer, type) else type(serializer)
        if direction == "request" and issubclass(serializer_class, StrictSerializer):
            schema["additionalProperties"] = False
        return schema
