"""The OpenAPI schema: generated without warnings, every operation documented with who may call
it, an example and its errors; the examples match the schema; the docs work offline."""
from __future__ import annotations

import io
import re

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def test_schema_generates_and_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert out.read_text().startswith("openapi: 3.0")


def test_schema_is_served_as_json_and_yaml(api):
    as_json = api.get(reverse("api:schema"), {"format": "json"})
    assert as_json.status_code == 200 and as_json.json()["openapi"].startswith("3.0")
    assert set(as_json.json()["paths"]) >= {"/api/scenarios/", "/api/matches/{id}/approve/", "/api/jobs/{id}/"}
    assert api.get(reverse("api:schema")).content.startswith(b"openapi: 3.0")


def test_every_operation_says_who_may_call_it_and_has_an_example(schema):
    ops = dict(operations(schema))
    assert len(ops) >= 35
    for name, op in ops.items():
        assert op.get("summary"), name
        assert re.search(r"\*\*Permissions:\*\* \S", op.get("description", "")), name
        success = [(code, r) for code, r in op["responses"].items() if code.startswith("2")]
        assert len(success) == 1, name
        code, response = success[0]
        if code != "204":
            assert response["content"]["application/json"].get("examples"), f"{name}: no response example"
        body = op.get("requestBody")
        if body:
            assert body["content"]["application/json"].get("examples"), f"{name}: no request example"


def test_every_operation_documents_its_errors_in_the_one_shape(schema):
    for name, op in operations(schema):
        responses = op["responses"]
        assert {"401", "429"} <= set(responses), name
        if "requestBody" in op:
            assert {"400", "413", "415"} <= set(responses), name
        if re.search(r"\{id\}", name):
            assert "404" in responses, name
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_state_changing_operations_document_409_and_officer_ones_403(schema):
    ops = dict(operations(schema))
    for action in ("submit", "withdraw", "publish", "return", "archive"):
        for kind in ("scenarios", "capabilities"):
            assert {"403", "404", "409"} <= set(ops[f"POST /api/{kind}/{{id}}/{action}/"]["responses"])
    for action in ("interest", "approve", "reject"):
        assert {"403", "404", "409"} <= set(ops[f"POST /api/matches/{{id}}/{action}/"]["responses"])
    for name in ("GET /api/matches/", "GET /api/jobs/", "POST /api/jobs/", "POST /api/batches/"):
        assert "403" in ops[name]["responses"] and "Program officers" in ops[name]["description"]


def _resolve(schema: dict, node):
    """Inline every $ref so that jsonschema can validate an example against it."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolve(schema, schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
        return {k: _resolve(schema, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(schema, v) for v in node]
    return node


def _nullable_to_json_schema(node):
    """OpenAPI 3.0's `nullable: true` in JSON Schema terms."""
    if isinstance(node, dict):
        node = {k: _nullable_to_json_schema(v) for k, v in node.items()}
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
            if "allOf" in node or "$ref" in node:
                node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable_to_json_schema(v) for v in node]
    return node


def test_examples_match_the_schema(schema):
    checked = 0
    for name, op in operations(schema):
        bodies = [("request", op["requestBody"]["content"]["application/json"])] if op.get("requestBody") else []
        bodies += [(code, r["content"]["application/json"]) for code, r in op["responses"].items() if "content" in r]
        for where, content in bodies:
            json_schema = _nullable_to_json_schema(_resolve(schema, content["schema"]))
            for example in content.get("examples", {}).values():
                try:
                    # OpenAPI 3.0 keeps draft 4's boolean exclusiveMinimum/Maximum
                    jsonschema.validate(example["value"], json_schema, cls=jsonschema.Draft4Validator)
                except jsonschema.ValidationError as exc:
                    raise AssertionError(f"{name} {where}: {exc.message}") from None
                checked += 1
    assert checked > 100


def test_docs_load_their_assets_from_this_site(client):
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        b"".join(response.streaming_content) if response.streaming else response.content
    assert reverse("api:schema") in html
