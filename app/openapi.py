"""The OpenAPI document, finished for the people who generate clients from it.

FastAPI's document is completed once, in place: operation ids are short and stable
(``<tag>-<function>``, e.g. ``sheets-put_my_sheet``); every request body is a named
component (``SheetIn`` of the hand-parsed sheet ``PUT``, ``ImportFile`` of an import's
multipart body, ``LogoFile`` and ``LogoImage`` of a logo, ``TokenForm`` of the login form);
an optional body is the component itself, not ``anyOf [it, null]``; the 422 answers are the
``Problem`` the service really sends (never FastAPI's ``HTTPValidationError``); binary
answers (PDF, ZIP, XLSX, CSV) are ``{"type": "string", "format": "binary"}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.schemas import ImportFile, LogoFile, ProblemOut, SheetIn

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BINARY = {"type": "string", "format": "binary"}
# Bodies FastAPI names after the operation; a client developer should see a real name.
RENAMED_BODIES = {"Body_auth-create_token": "TokenForm"}


def operation_id(route: APIRoute) -> str:
    """``<first tag>-<function name>``: short, stable, unique (the test checks)."""
    tag = str(route.tags[0]) if route.tags else "konvensi"
    return f"{tag}-{route.name}"


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()  # cached by FastAPI as app.openapi_schema: completed in place
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        hand_parsed = (
            (ProblemOut, "Problem"),
            (SheetIn, "SheetIn"),
            (ImportFile, "ImportFile"),
            (LogoFile, "LogoFile"),
        )
        for model, name in hand_parsed:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(found.pop("$defs", {}))
            components[name] = found
        components["LogoImage"] = {
            **BINARY,
            "title": "LogoImage",
            "description": "A PNG or JPEG image of at most 1 MiB, sent as the body.",
        }
        _rename_bodies(schema, components)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _finish_operation(operation)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _finish_operation(operation: dict[str, Any]) -> None:
    body = operation.get("requestBody")
    if body is not None:
        for media in body.get("content", {}).values():
            options = media.get("schema", {}).get("anyOf")
            if options and len(options) == 2 and {"type": "null"} in options:
                # An optional body: the component itself, and the body not required.
                media["schema"] = next(o for o in options if o != {"type": "null"})
                body["required"] = False
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if status == "422" and "application/json" in content:
            response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
            response["description"] = "`validation`: one item in `errors` per faulty field"
            continue
        for media_type, media in content.items():
            if media_type.startswith("text/html"):
                media["schema"] = {"type": "string"}
            elif "json" not in media_type:
                media["schema"] = dict(BINARY)


def _rename_bodies(schema: dict[str, Any], components: dict[str, Any]) -> None:
    for old, new in RENAMED_BODIES.items():
        if old not in components:
            continue
        found = components.pop(old)
        found["title"] = new
        components[new] = found
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    if media.get("schema", {}).get("$ref") == f"#/components/schemas/{old}":
                        media["schema"]["$ref"] = f"#/components/schemas/{new}"
