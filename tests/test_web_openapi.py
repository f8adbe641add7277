"""Schemathesis against the app's own OpenAPI schema: every API operation, generated inputs, no 5xx,
responses conform to the declared schemas (the analysis JSON Schema included)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402


@pytest.fixture(scope="module")
def api_schema(web_app):  # type: ignore[no-untyped-def]
    app, _ = web_app
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_conforms_to_its_openapi_schema(api_schema) -> None:  # type: ignore[no-untyped-def]
    ran = []

    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:  # type: ignore[no-untyped-def]
        # generated URLs must not leave the machine: the API refuses non-public hosts, so send none
        if isinstance(case.body, dict) and "url" in case.body:
            case.body["url"] = "http://127.0.0.1:9/nowhere"
        # keep generated articles short: this checks the contract, not the model's speed
        if isinstance(case.body, dict) and isinstance(case.body.get("text"), str):
            case.body["text"] = case.body["text"][:400]
        # a schema-valid article can still be unusable (an unreachable URL, whitespace-only text): the API
        # answers 400 with a reason, which is right, so "valid input must be accepted" does not apply
        case.call_and_validate(excluded_checks=[positive_data_acceptance])
        ran.append(case.operation.label)

    for result in api_schema.get_all_operations():
        operation = result.ok()
        given(operation.as_strategy())(check)()
    assert {"POST /api/v1/analyze", "GET /api/v1/health", "GET /api/v1/techniques"} <= set(ran)
