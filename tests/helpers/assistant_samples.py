"""Assistant files as the schemas see them, made from literals: a realistic one, and builders for its tools."""

from __future__ import annotations

from typing import Any


def file_search_tool(**options: object) -> dict[str, Any]:
    return {"type": "file_search", "file_search": options}


def function_tool(**function: object) -> dict[str, Any]:
    return {"type": "function", "function": function}


# An assistant with a field of each common kind, which every schema (both specs') must accept.
REALISTIC_ASSISTANT: dict[str, Any] = {
    "key": "hr-helper",
    "model": "gpt-4o",
    "name": "HR Helper",
    "instructions": "Answer questions about company policy. Cite the policy document.",
    "tools": [
        file_search_tool(max_num_results=10),
        function_tool(name="get_leave_balance", description="Days of leave left for an employee.", parameters={
            "type": "object", "properties": {"employee_id": {"type": "string"}},
            "required": ["employee_id"]}),
    ],
    "tool_resources": {"file_search": {"vector_store_ids": ["vs_policies"]}},
    "metadata": {"team": "people-ops", "owner": "alice"},
    "temperature": 0.2,
}
