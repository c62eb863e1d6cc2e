"""An optional model backend: a county's own large-language-model server, asked for the same tasks.

Any server with an OpenAI-compatible chat-completions API will do (LUOSHI_LLM_URL). The answer is
never trusted as it comes: every task must quote the document, every date must read as a date,
every owner and target must be in the task's words. What survives is merged with the rules' own
tasks: the rules' spans stand, the model fills what the rules left empty and adds tasks the
rules missed.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import requests
from django.conf import settings

from luoshi.extraction import core

PROMPT = """你是县政府督查办的助手，从领导讲话或会议纪要中找出布置的任务。
任务是要求今后去做的具体工作（要、必须、确保、力争、请……），不是对过去的回顾、态度号召、引语或标题。
每句话（以。！？；结束）最多是一个任务；只有责任主体或时限在句中改变时才拆开。
对每个任务给出：
- text：原文中的原话，一字不改（包括标点）；
- owners：谁负责，按原文写，人名去掉“同志”；“由某某同志负责/牵头”适用于该条目后面的句子；
- cooperators：配合的人或单位；
- deadline：完成时限的日期（YYYY-MM-DD），按会议日期推算：“X月底前”为该月最后一天，
  早于会议月份的月份属于明年，“年底前”为当年12月31日，“立即”为会议日期；没有则为 null；
- deadline_text：时限的原话；
- targets：量化目标的原话，如“不少于200个”“32家以上”。
只输出 JSON：
{"tasks": [{"text": "", "owners": [], "cooperators": [], "deadline": null,
  "deadline_text": "", "targets": []}]}"""


class ModelUnavailable(Exception):
    """The model server did not answer, or answered with something that is not the schema."""


def configured() -> bool:
    return bool(settings.LUOSHI_LLM_URL)


def extract(text: str, *, meeting_date: date, directory: core.Directory) -> list[core.Task]:
    names = "、".join(entry.name for entry in directory.entries)
    question = f"会议日期：{meeting_date.isoformat()}\n本县名录：{names}\n\n全文：\n{text}"
    headers = {"Content-Type": "application/json"}
    if settings.LUOSHI_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.LUOSHI_LLM_API_KEY}"
    payload: dict[str, Any] = {
        "model": settings.LUOSHI_LLM_MODEL or "default",
        "temperature": 0,
        "max_tokens": settings.LUOSHI_LLM_MAX_TOKENS,  # a server's default may be its whole context
        "messages": [{"role": "system", "content": PROMPT}, {"role": "user", "content": question}],
        "response_format": {"type": "json_object"},
    }
    try:
        response = requests.post(
            f"{settings.LUOSHI_LLM_URL}/chat/completions",
            json=payload,
            headers=headers,
            timeout=settings.LUOSHI_LLM_TIMEOUT,
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as error:
        raise ModelUnavailable(str(error)[:200]) from error
    return validate(parse(content), text, meeting_date=meeting_date)


def parse(content: str) -> list[dict[str, Any]]:
    """The tasks of an answer, which may come wrapped in a ```json fence."""
    fenced = re.search(r"```(?:json)?\s*(.+?)```", content, re.S)
    body = fenced.group(1) if fenced else content
    try:
        data = json.loads(body)
    except ValueError as error:
        raise ModelUnavailable("回答不是 JSON") from error
    tasks = data.get("tasks") if isinstance(data, dict) else data
    if not isinstance(tasks, list):
        raise ModelUnavailable("回答里没有 tasks")
    return [task for task in tasks if isinstance(task, dict)]


def locate(text: str, quote: str, after: int = 0) -> tuple[int, int] | None:
    """Where `quote` stands in `text`, allowing for the spaces and line breaks a model drops."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote, after)
    if at >= 0:
        return at, at + len(quote)
    characters = [re.escape(char) for char in quote if not char.isspace()]
    match = re.compile(r"\s*".join(characters)).search(text, after)
    return (match.start(), match.end()) if match else None


def _strings(value: Any) -> list[str]:
    return (
        [str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()]
        if isinstance(value, list)
        else []
    )


def validate(answer: list[dict[str, Any]], text: str, *, meeting_date: date) -> list[core.Task]:
    """Keep what the document bears out: quoted words, real dates, owners and targets in the words."""
    tasks: list[core.Task] = []
    cursor = 0
    earliest, latest = meeting_date - timedelta(days=1), meeting_date + timedelta(days=3 * 366)
    for raw in answer:
        quote = raw.get("text")
        span = locate(text, quote, cursor) or locate(text, quote) if isinstance(quote, str) else None
        if span is None:
            continue  # words the document does not have
        cursor = span[1]
        words = text[span[0] : span[1]]
        compact = "".join(words.split())
        owners = [
            o.removesuffix("同志") for o in _strings(raw.get("owners")) if "".join(o.split()) in compact
        ]
        cooperators = [
            c.removesuffix("同志") for c in _strings(raw.get("cooperators")) if "".join(c.split()) in compact
        ]
        deadline: date | None = None
        deadline_text = str(raw.get("deadline_text") or "")
        try:
            deadline = date.fromisoformat(str(raw.get("deadline"))) if raw.get("deadline") else None
        except ValueError:
            deadline = None
        if deadline and not (earliest <= deadline <= latest):
            deadline = None
        targets = [
            core.Target(t, None, "") for t in _strings(raw.get("targets")) if "".join(t.split()) in compact
        ]
        tasks.append(
            core.Task(
                start=span[0],
                end=span[1],
                text=words,
                owners=tuple(owners),
                cooperators=tuple(cooperators),
                deadline=deadline,
                deadline_text=deadline_text if deadline else "",
                targets=tuple(targets),
            )
        )
    return tasks


def with_model(
    rules: list[core.Task],
    text: str,
    *,
    meeting_date: date,
    directory: core.Directory,
    immediate_workdays: int = 0,
    calendar: core.WorkCalendar | None = None,
) -> list[core.Task]:
    """The rules' tasks merged with the model's (ModelUnavailable when the server cannot answer).

    The model's tasks go through the same 立即 rule as the rules' own, then `merge`."""
    model = extract(text, meeting_date=meeting_date, directory=directory)
    model = core.immediate_deadlines(
        model, meeting_date=meeting_date, workdays=immediate_workdays, calendar=calendar
    )
    return merge(rules, model, text)


def merge(rules: list[core.Task], model: list[core.Task], text: str) -> list[core.Task]:
    """The rules' spans stand; the model fills empty owners, deadlines and targets, and adds tasks."""
    merged: list[core.Task] = []
    used: set[int] = set()
    for task in rules:
        partner = None
        for index, other in enumerate(model):
            overlap = min(task.end, other.end) - max(task.start, other.start)
            if index not in used and overlap * 2 >= min(task.end - task.start, other.end - other.start):
                partner = other
                used.add(index)
                break
        if partner is None:
            merged.append(task)
            continue
        targets = task.targets + tuple(
            t for t in partner.targets if all(t.text not in s.text for s in task.targets)
        )
        merged.append(
            core.Task(
                start=task.start,
                end=task.end,
                text=task.text,
                owners=task.owners or partner.owners,
                cooperators=task.cooperators or partner.cooperators,
                deadline=task.deadline or partner.deadline,
                deadline_text=task.deadline_text or partner.deadline_text,
                targets=targets,
            )
        )
    covered = [(task.start, task.end) for task in rules]
    for index, other in enumerate(model):
        if index in used or any(min(end, other.end) > max(start, other.start) for start, end in covered):
            continue  # a second answer about words the rules already hold
        merged.append(other)
        covered.append((other.start, other.end))
    return sorted(merged, key=lambda t: t.start)
