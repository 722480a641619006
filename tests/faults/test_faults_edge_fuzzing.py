"""Bad input at the edge: schemathesis generates requests — valid and invalid — from the running
batch-api's own OpenAPI document, a bounded number per operation; no answer is a 5xx, and every answer
is one the document describes (status code, content type, headers, body schema)."""

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from viralclip_testkit.system import RunningSystem

pytestmark = pytest.mark.faults

EXAMPLES_PER_OPERATION = 50
"""Per operation and generation mode: about 1,200 requests, some 15 s on two cores."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_fuzzing_the_rest_api_finds_no_5xx_and_no_undocumented_answer(
    system: RunningSystem, figure: Callable[[str, object], None]
) -> None:
    schema = schemathesis.openapi.from_url(f"{system.fleet.url('batch-api')}/openapi.json")
    statuses: Counter[int] = Counter()
    failures: dict[str, str] = {}
    loaded = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in loaded), "the OpenAPI document has invalid operations"
    operations = [result.ok() for result in loaded if isinstance(result, Ok)]
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def answer_as_documented(case: Case[Any]) -> None:
                response = case.call(timeout=15)
                statuses[response.status_code] += 1  # counted before the checks can stop the example
                case.validate_response(response, checks=CHECKS)

            try:
                answer_as_documented()
            except Unsatisfiable:  # e.g. no invalid request exists for an operation without inputs
                continue
            except (AssertionError, BaseExceptionGroup) as error:
                failures[f"{mode.value} {operation.label}"] = str(error)[:1500]
    elapsed = time.monotonic() - started

    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    assert not failures, "\n\n".join(f"{label}:\n{detail}" for label, detail in failures.items())
    assert server_errors == 0
    figure("operations fuzzed", len(operations))
    figure("requests sent", sum(statuses.values()))
    figure("answers by status", dict(sorted(statuses.items())))
    figure("5xx answers", server_errors)
    figure("fuzzing took (s)", elapsed)
