"""How endpoints document themselves in the OpenAPI schema.

Every operation states who may call it ("Permissions: …"), carries at least one example, and
lists the error statuses it can answer with, each in the one error shape (core.api.errors).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from core.api.errors import ErrorSerializer, error_body

ERRORS: dict[int, tuple[str, str, str]] = {
    # status: (description, example code, example message)
    400: ("Invalid input: `error.fields` names each field at fault and why.", "invalid", "Invalid input."),
    401: ("Not authenticated: no session or token, or a token that is not valid.", "not_authenticated",
          "Authentication credentials were not provided."),
    403: ("Authenticated, but not allowed to do this (also: a session request without its CSRF token).",
          "permission_denied", "Only program officers can do this."),
    404: ("No such object, or one the caller may not know exists.", "not_found", "No such listing."),
    409: ("The object is not in a state that allows this action.", "invalid_state",
          "This listing is Draft; it cannot be published."),
    413: ("The request body is too large.", "too_large", "The request body is too large."),
    415: ("Unsupported media type: send `application/json`.", "unsupported_media_type",
          'Unsupported media type "text/plain" in request.'),
    429: ("Too many requests: retry after the number of seconds in `Retry-After`.", "throttled",
          "Request was throttled. Expected available in 7 seconds."),
}
# Any request may carry a bad token (401) or exceed its rate (429).
ALWAYS = (401, 429)
# What an endpoint that reads a JSON body may also answer.
BODY = (400, 413, 415)
LIST = (400, 404)  # a bad filter value; a page past the end


def error_response(status: int) -> OpenApiResponse:
    description, code, message = ERRORS[status]
    return OpenApiResponse(
        response=ErrorSerializer, description=description,
        examples=[OpenApiExample(f"error {status}", value=error_body(code, message), status_codes=[str(status)],
                                 response_only=True)],
    )


def api_operation(*, summary: str, permissions: str, responses: dict[int, Any], errors: Iterable[int] = (),
                  request: Any = None, examples: Sequence[OpenApiExample] = (), description: str = "",
                  parameters: Sequence[Any] = (), tags: Sequence[str] | None = None, operation_id: str | None = None):
    """extend_schema with the house conventions: `permissions` is rendered as a "Permissions"
    paragraph, `errors` become documented error responses (401 and 429 always)."""
    text = f"{description.strip()}\n\n**Permissions:** {permissions.strip()}".strip()
    all_responses: dict[int, Any] = dict(responses)
    for status in sorted(set(errors) | set(ALWAYS)):
        all_responses[status] = error_response(status)
    kwargs: dict[str, Any] = {
        "summary": summary, "description": text, "responses": all_responses,
        "examples": list(examples), "parameters": list(parameters) or None,
    }
    if request is not None:
        kwargs["request"] = request
    if tags:
        kwargs["tags"] = list(tags)
    if operation_id:
        kwargs["operation_id"] = operation_id
    return extend_schema(**kwargs)


def additional_properties_false(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: request bodies refuse unknown fields (core.api.serializers), so
    their schemas say so."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    return result
