"""The OpenAPI document (``/api/<version>/_openapi``) made to describe what the API sends.

FAB builds the document from each resource's marshmallow schemas and its methods'
docstrings.  Where that differs from the JSON the API answers, the document is corrected
here, once, for every resource — FAB's own security and menu APIs included.  The JSON the
API sends is an interface (the dashboard, browser tests, outside checks): only the document
changes.

* money and rates (NUMERIC columns) are sent as decimal strings ("423000.00"), never floats;
  a request may send either;
* date-times are sent without a UTC offset ("2026-03-15T10:30:00"), which RFC 3339's
  date-time does not allow; LoanDesk's own columns hold UTC, FAB's security tables the
  server's local time;
* related records are lists when the relation is, and null when the key may be;
* ``id`` / ``ids`` are the records' integer keys, not strings;
* a 422's ``message`` is a text or, for a refused field, ``{field: [messages]}``;
* ``_info``'s ``add_columns`` / ``edit_columns`` are lists of field descriptions;
* the menu's children include ``"-"`` separators;
* every protected operation can answer 401 (no valid token) and 403 (no permission); an
  id in a path is never negative (Flask's ``int`` converter); /security/refresh answers 422
  to an access token.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, json, request
from flask_appbuilder import AppBuilder
from flask_appbuilder.api import ModelRestApi
from sqlalchemy import DateTime, Float, Integer, Numeric

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
MONEY: dict[str, Any] = {"type": "string", "pattern": DECIMAL_PATTERN,
                         "description": "A decimal number (money or a rate), as text"}
NAIVE_DATETIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$"

FIELD_INFO = {  # one entry of _info's add_columns / edit_columns (FAB's _get_field_info)
    "type": "object",
    "properties": {
        "name": {"type": "string"}, "label": {"type": "string"},
        "description": {"type": "string"}, "type": {"type": "string"},
        "required": {"type": "boolean"}, "unique": {"type": "boolean"},
        "validate": {"type": "array", "items": {"type": "string"}},
        "count": {"type": "integer"},
        "values": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "value": {"type": "string"}}}},
    },
}
MENU_SEPARATOR = {"type": "string", "enum": ["-"]}
VALIDATION_ERRORS = {  # marshmallow's ValidationError.messages, or the app's, per field
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "string"},
                                       {"type": "array", "items": {"type": "string"}},
                                       {"type": "object"}]},
}
REFRESH_REFUSED = {
    "description": "The token sent is not a refresh token",
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"msg": {"type": "string"}}}}},
}


def register(appbuilder: AppBuilder) -> None:
    """Correct FAB's document as it leaves ``OpenApi.get``: FAB's own view builds it
    (flask_appbuilder/api/manager.py), registered before any LoanDesk API, with no hook for
    an apispec plugin."""
    app: Flask = current_app._get_current_object()  # init_api runs in the app's context

    @app.after_request
    def _document_as_sent(response):
        # The route also answers OPTIONS (Flask's automatic, empty reply): only a JSON
        # document is corrected, any other response passes through untouched.
        if (request.endpoint == "OpenApi.get" and response.status_code == 200
                and response.is_json):
            spec = response.get_json(silent=True)
            if isinstance(spec, dict):
                describe_as_sent(spec, appbuilder.baseviews)
                response.set_data(json.dumps(spec))
        return response


def describe_as_sent(spec: dict, views) -> None:
    schemas = spec.get("components", {}).get("schemas", {})
    version = spec.get("info", {}).get("version")
    for view in views:
        if isinstance(view, ModelRestApi) and view.version == version:
            model = view.datamodel.obj
            for name, sent in ((view.show_model_schema_name, True),
                               (view.list_model_schema_name, True),
                               (view.add_model_schema_name, False),
                               (view.edit_model_schema_name, False)):
                _columns(schemas, name, model, sent)
            extra = getattr(view, "openapi_show_properties", None)
            if extra and view.show_model_schema_name in schemas:
                properties = schemas[view.show_model_schema_name].setdefault("properties", {})
                for key, value in extra.items():
                    properties.setdefault(key, value)
            _ids(spec.get("paths", {}), view)
    _responses(spec)


def _columns(schemas: dict, name: str, model, sent: bool) -> None:
    """A component FAB made from ``model``'s columns, typed as the values go out (``sent``)
    or come in."""
    schema = schemas.get(name)
    if not schema or "properties" not in schema:
        return
    mapper = model.__mapper__
    for key, prop in list(schema["properties"].items()):
        nullable = {"nullable": True} if prop.get("nullable") else {}
        if key in mapper.columns:
            kind = mapper.columns[key].type
            if isinstance(kind, Numeric) and not isinstance(kind, Float):
                schema["properties"][key] = {**MONEY, **nullable} if sent else {
                    "anyOf": [{"type": "number"}, MONEY], **nullable}
            elif isinstance(kind, DateTime) and sent and not kind.timezone:
                schema["properties"][key] = {
                    "type": "string", "pattern": NAIVE_DATETIME_PATTERN, **nullable,
                    "description": "Date and time without an offset, in "
                                   + ("the server's local time" if _fab_model(model)
                                      else "UTC")}
        elif key in mapper.relationships and "$ref" in prop:
            relation = mapper.relationships[key]
            target = prop["$ref"].rsplit("/", 1)[-1]
            if relation.uselist:
                schema["properties"][key] = {"type": "array", "items": prop}
            elif any(column.nullable for column in relation.local_columns):
                schema["properties"][key] = {"allOf": [prop], "nullable": True}
            if target != name:
                _columns(schemas, target, relation.mapper.class_, sent)


def _fab_model(model) -> bool:
    return model.__module__.startswith("flask_appbuilder.")


def _ids(paths: dict, view: ModelRestApi) -> None:
    """FAB's generic item responses document ``id`` and ``ids`` as strings."""
    pk = view.datamodel.obj.__mapper__.primary_key
    if len(pk) != 1 or not isinstance(pk[0].type, Integer):
        return
    for path, item in paths.items():
        if path != view.route_base and not path.startswith(view.route_base + "/"):
            continue
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                for content in response.get("content", {}).values():
                    properties = content.get("schema", {}).get("properties", {})
                    if properties.get("id", {}).get("type") == "string":
                        properties["id"]["type"] = "integer"
                    ids = properties.get("ids", {}).get("items", {})
                    if ids.get("type") == "string":
                        ids["type"] = "integer"


def _responses(spec: dict) -> None:
    components = spec.get("components", {}).get("responses", {})
    if "422" in components:
        message = components["422"]["content"]["application/json"]["schema"]["properties"]
        message["message"] = {"anyOf": [{"type": "string"}, VALIDATION_ERRORS]}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.get("responses")
            if responses is None:
                continue
            if operation.get("security"):
                for status in ("401", "403"):
                    if status in components:
                        responses.setdefault(status, {"$ref": f"#/components/responses/"
                                                              f"{status}"})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get(
                        "type") == "integer":
                    parameter["schema"].setdefault("minimum", 0)
            _content(path, operation)
            if path.endswith("/security/refresh") and method == "post":
                responses.setdefault("422", REFRESH_REFUSED)


def _content(path: str, operation: dict) -> None:
    """_info's column lists and the menu's separators, as FAB sends them."""
    ok = operation.get("responses", {}).get("200", {})
    schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
    properties = schema.get("properties", {})
    if path.endswith("/_info"):
        for key in ("add_columns", "edit_columns"):
            if properties.get(key, {}).get("type") == "object":
                properties[key] = {"type": "array", "items": FIELD_INFO}
    if path.endswith("/menu/"):
        item = properties.get("result", {}).get("items", {})
        children = item.get("properties", {}).get("childs", {})
        if children.get("items", {}).get("type") == "object":
            children["items"] = {"anyOf": [children["items"], MENU_SEPARATOR]}
