"""The OpenAPI document: built from the code, complete, well formed, and true to the answers.

No OpenAPI validator is installed, so the structure checks below cover what one would
catch for this document: required keys, resolvable references, declared path
parameters, known status codes and types.
"""

import re

import pytest

from tests.api.conftest import bearer

API = "/api/v1"
DOC_URL = f"{API}/openapi.json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
TYPES = {"object", "array", "string", "integer", "number", "boolean"}


@pytest.fixture
def doc(client) -> dict:
    response = client.get(DOC_URL)
    assert response.status_code == 200
    return response.get_json()


def operations(doc: dict):
    """Yield (path, method, operation) for every operation in the document."""
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def resolve(doc: dict, ref: str):
    """Return what a local JSON reference points at, or fail the test."""
    assert ref.startswith("#/"), f"{ref} is not a local reference"
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def walk(node, where: str = "#"):
    """Yield (where, mapping) for every mapping inside a JSON value."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def test_every_api_route_is_documented(app, doc):
    documented = {(path, method.upper()) for path, method, _ in operations(doc)}
    routes = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/") and rule.rule != DOC_URL
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes, "no API routes found"
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "the document names routes the app does not have"


def test_the_document_is_openapi_3_with_bearer_auth(doc):
    assert re.fullmatch(r"3\.0\.\d+", doc["openapi"])
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"bearerAuth": []}]
    assert set(doc) <= {"openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"}


def test_the_document_is_well_formed(doc):
    for where, node in walk(doc):
        if "$ref" in node:
            resolve(doc, node["$ref"])
        if isinstance(node.get("type"), str):
            assert node["type"] in TYPES | {"http", "apiKey", "oauth2", "openIdConnect"}, where
    tags = {tag["name"] for tag in doc.get("tags", [])}
    operation_ids = []
    for path, method, operation in operations(doc):
        where = f"{method.upper()} {path}"
        assert path.startswith("/"), where
        assert operation.get("summary"), f"{where} has no summary"
        assert operation["responses"], f"{where} documents no responses"
        for status, response in operation["responses"].items():
            assert status == "default" or re.fullmatch(r"[1-5]\d\d", status), where
            response = resolve(doc, response["$ref"]) if "$ref" in response else response
            assert response.get("description"), f"{where} {status} has no description"
        parameters = doc["paths"][path].get("parameters", []) + operation.get("parameters", [])
        parameters = [resolve(doc, p["$ref"]) if "$ref" in p else p for p in parameters]
        for parameter in parameters:
            assert parameter["in"] in {"query", "header", "path", "cookie"}, where
            assert parameter.get("name") and ("schema" in parameter or "content" in parameter)
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == set(re.findall(r"{([^}]+)}", path)), f"{where} path parameters"
        assert all(p["required"] is True for p in parameters if p["in"] == "path"), where
        if "requestBody" in operation:
            assert operation["requestBody"]["content"], where
        assert set(operation.get("tags", [])) <= tags, where
        for requirement in operation.get("security", []):
            assert set(requirement) <= set(doc["components"]["securitySchemes"]), where
        operation_ids.append(operation.get("operationId"))
    named = [name for name in operation_ids if name]
    assert len(named) == len(set(named)), "operation ids repeat"


READ_BY_POST = {"/api/v1/skills/suggest"}


def test_every_error_is_documented_in_the_one_error_shape(doc):
    error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, method, operation in operations(doc):
        responses = operation["responses"]
        assert {"401", "default"} <= set(responses), f"{method} {path}"
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), f"{method} {path}"
        # A POST that only reads refuses nobody: its text is a draft, which never goes in an address.
        if method != "get" and not path.endswith("/me") and path not in READ_BY_POST:
            assert "403" in responses, f"{method} {path}"
        if "{" in path:
            assert "404" in responses, f"{method} {path}"
        for status, response in responses.items():
            if status == "default" or status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == error_ref, f"{method} {path} {status}"


def test_no_person_schema_exposes_a_password(doc):
    person = doc["components"]["schemas"]["Person"]["properties"]
    assert not {"password", "password_hash"} & set(person)
    assert doc["components"]["schemas"]["PersonIn"]["properties"]["password"]["writeOnly"] is True


# The answers match the document


def conforms(doc: dict, schema: dict, value, where: str = "body") -> list[str]:
    """List how a JSON value breaks an OpenAPI 3.0 schema (the parts this API uses)."""
    if "$ref" in schema:
        return conforms(doc, resolve(doc, schema["$ref"]), value, where)
    if "anyOf" in schema:
        # A nullable nested object is written as anyOf: [{nullable object}, {$ref}].
        if value is None:
            return [] if any(o.get("nullable") for o in schema["anyOf"]) else [f"{where} is null"]
        options = [o for o in schema["anyOf"] if set(o) != {"type", "nullable"}]
        if any(not conforms(doc, option, value, where) for option in options):
            return []
        return [f"{where} matches none of anyOf"]
    if value is None:
        return [] if schema.get("nullable") else [f"{where} is null"]
    kind = schema.get("type")
    python = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool}
    if kind and (not isinstance(value, python[kind]) or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{where} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where} is not one of {schema['enum']}"]
    problems = []
    if kind == "array":
        for index, item in enumerate(value):
            problems += conforms(doc, schema.get("items", {}), item, f"{where}[{index}]")
    if kind == "object":
        properties = schema.get("properties", {})
        problems += [f"{where}.{name} is missing" for name in schema.get("required", []) if name not in value]
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                if not properties[name].get("writeOnly"):
                    problems += conforms(doc, properties[name], item, f"{where}.{name}")
                else:
                    problems.append(f"{where}.{name} is write-only")
            elif extra is False:
                problems.append(f"{where}.{name} is not documented")
            elif isinstance(extra, dict):
                problems += conforms(doc, extra, item, f"{where}.{name}")
    return problems


def documented_schema(doc: dict, method: str, path: str, status: int) -> dict:
    """Return the schema the document gives for an answer."""
    template = re.sub(r"/\d+(?=/|$)", "/{id}", path.split("?")[0])
    for documented, item in doc["paths"].items():
        if re.sub(r"{[^}]+}", "{id}", documented) == template and method in item:
            responses = item[method]["responses"]
            response = responses.get(str(status)) or responses["default"]
            return response["content"]["application/json"]["schema"]
    raise AssertionError(f"{method.upper()} {path} is not documented")


CALLS = [
    # caller, method, path, body, status
    ("admin", "get", "/people", None, 200),
    ("admin", "get", "/people/{person}", None, 200),
    ("new hire", "get", "/people/me", None, 200),
    ("new hire", "patch", "/people/me", {"timezone": "Asia/Tokyo"}, 200),
    ("admin", "post", "/people", {"email": "ann@example.com", "name": "Ann", "password": "tulip orbit canyon 42"}, 201),
    ("admin", "patch", "/people/{person}", {"level": 4}, 200),
    ("admin", "get", "/teams", None, 200),
    ("admin", "get", "/teams/{team}", None, 200),
    ("admin", "post", "/teams", {"name": "Ops"}, 201),
    ("admin", "patch", "/teams/{team}", {"lead_id": None}, 200),
    ("admin", "get", "/skills", None, 200),
    ("admin", "get", "/skills/{skill}", None, 200),
    ("admin", "post", "/skills", {"name": "Go", "aliases": ["Golang"]}, 201),
    ("admin", "patch", "/skills/{skill}", {"category": "Data"}, 200),
    ("nobody", "get", "/people", None, 401),
    ("new hire", "post", "/skills", {"name": "Go"}, 403),
    ("admin", "get", "/teams/999999", None, 404),
    ("admin", "post", "/people", {"email": "x@example.com"}, 422),
    ("admin", "get", "/people?page_size=1000", None, 422),
]


@pytest.mark.parametrize(
    "caller, method, path, body, status", CALLS, ids=[f"{c[1].upper()} {c[2]} {c[4]}" for c in CALLS]
)
def test_answers_match_the_document(client, make, token, doc, caller, method, path, body, status):
    team = make.team(name="Payments")
    person = make.mentor(team=team)
    make.user_skill(person, make.skill("SQL", aliases=["Structured Query Language"]))
    skill = make.skill("Python")
    headers = {
        "admin": lambda: bearer(token(make.admin())),
        "nobody": dict,
        "new hire": lambda: bearer(token(make.user(team=team))),
    }[caller]()
    url = API + path.format(person=person.id, team=team.id, skill=skill.id)
    response = client.open(url, method=method.upper(), json=body, headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    assert conforms(doc, documented_schema(doc, method, url, status), response.get_json()) == []
