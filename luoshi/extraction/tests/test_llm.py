"""The optional model backend, against a small local server speaking the OpenAI chat-completions API."""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from luoshi.extraction import core, llm

TEXT = (
    "一、工作\n\n县财政局要在8月底前拨付首批资金。会议强调，交通安全不容忽视，"
    "县交通运输局抓紧排查 12 处临水临崖路段，9 月 10 日前完成。"
)


class FakeModel(BaseHTTPRequestHandler):
    answer: dict = {}
    asked: list[dict] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeModel.asked.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        content = "```json\n" + json.dumps(FakeModel.answer, ensure_ascii=False) + "\n```"
        payload = {"choices": [{"message": {"role": "assistant", "content": content}}]}
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(payload).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def model(settings):
    FakeModel.asked = []
    server = HTTPServer(("127.0.0.1", 0), FakeModel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.LUOSHI_LLM_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.LUOSHI_LLM_MODEL = "county-model"
    settings.LUOSHI_LLM_API_KEY = "secret"
    yield FakeModel
    server.shutdown()


def test_answers_are_validated_and_merged_with_the_rules(model):
    model.answer = {
        "tasks": [
            # the rules found this one too: its owner stands, the model adds nothing wrong
            {
                "text": "县财政局要在8月底前拨付首批资金。",
                "owners": ["县财政局"],
                "deadline": "2023-08-31",
                "targets": [],
            },
            # a task the rules miss (no modal), quoted with the spaces dropped
            {
                "text": "县交通运输局抓紧排查12处临水临崖路段，9月10日前完成。",
                "owners": ["县交通运输局", "县长"],  # 县长 is not in the words: dropped
                "deadline": "2023-09-10",
                "deadline_text": "9月10日前",
                "targets": ["12处", "100公里"],  # 100公里 is not in the words: dropped
            },
            {
                "text": "县里要建一座机场。",
                "owners": ["县发改局"],
                "deadline": "2023-12-31",
            },  # not in the document
            {"text": "县财政局要在8月底前拨付首批资金。", "deadline": "2099-01-01"},  # an impossible date
        ]
    }
    rules = core.extract(TEXT, meeting_date=date(2023, 7, 25))
    asked = llm.extract(
        TEXT, meeting_date=date(2023, 7, 25), directory=core.Directory((core.Entry("县财政局"),))
    )
    merged = llm.merge(rules, asked, TEXT)
    request = model.asked[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert (
        request["body"]["model"] == "county-model" and "县财政局" in request["body"]["messages"][1]["content"]
    )
    assert request["body"]["max_tokens"] == 8192  # bounded: a server's default may be its whole context
    assert [(t.owners, t.deadline) for t in merged] == [
        (("县财政局",), date(2023, 8, 31)),
        (("县交通运输局",), date(2023, 9, 10)),
    ]
    second = merged[1]
    assert TEXT[second.start : second.end] == second.text and "12 处" in second.text
    assert [t.text for t in second.targets] == ["12处"]


def test_an_unreachable_or_garbled_model_is_reported(settings):
    settings.LUOSHI_LLM_URL = "http://127.0.0.1:9/v1"
    settings.LUOSHI_LLM_TIMEOUT = 2
    with pytest.raises(llm.ModelUnavailable):
        llm.extract(TEXT, meeting_date=date(2023, 7, 25), directory=core.Directory())
    with pytest.raises(llm.ModelUnavailable):
        llm.parse("我不知道")


@pytest.mark.django_db
def test_the_review_page_can_use_the_model(model, supervisor, zhashui):
    from luoshi.extraction.services import document_extract

    model.answer = {
        "tasks": [
            {
                "text": "县交通运输局抓紧排查12处临水临崖路段，9月10日前完成。",
                "owners": ["县交通运输局"],
                "deadline": "2023-09-10",
            }
        ]
    }
    document = document_extract(
        actor=supervisor,
        region=zhashui,
        title="测试",
        meeting_date=date(2023, 7, 25),
        text=TEXT,
        use_model=True,
    )
    assert document.backend == "rules+model"
    assert [t.lead_unit.short_name for t in document.tasks.order_by("start")] == ["县财政局", "县交通运输局"]


def test_the_model_is_never_needed(settings):
    settings.LUOSHI_LLM_URL = ""
    assert not llm.configured()


def test_no_transaction_is_held_while_the_model_answers(model, supervisor, zhashui, monkeypatch):
    """A model server may take a minute: the database must not be locked meanwhile."""
    from django.db import connection

    from luoshi.extraction.services import document_extract

    held = []
    answer = llm.extract

    def extract(*args, **kwargs):
        held.append(
            [block for block in connection.atomic_blocks if not getattr(block, "_from_testcase", False)]
        )
        return answer(*args, **kwargs)

    monkeypatch.setattr(llm, "extract", extract)
    model.answer = {"tasks": []}
    document_extract(
        actor=supervisor,
        region=zhashui,
        title="测试",
        meeting_date=date(2023, 7, 25),
        text=TEXT,
        use_model=True,
    )
    assert held == [[]]


def test_the_command_asks_the_model_when_told(model, tmp_path):
    """`luoshi extract --model` merges the server's answer with the rules, as the review page does."""
    from io import StringIO

    from django.core.management import call_command

    document = tmp_path / "纪要.txt"
    # the second sentence has no owner and no modal: the rules pass it by, the model does not
    text = TEXT + "会议听取了县文旅局关于景区提升的汇报。景区标识牌的更换，9月10日前全部换完。"
    document.write_text(text, encoding="utf-8")
    names = tmp_path / "名录.json"
    names.write_text("[]", encoding="utf-8")
    model.answer = {
        "tasks": [
            {
                "text": "景区标识牌的更换，9月10日前全部换完。",
                "owners": [],
                "deadline": "2023-09-10",
                "deadline_text": "9月10日前",
            }
        ]
    }
    arguments = [document, "--meeting-date", "2023-07-25", "--json", "--directory", names]
    rules_only, merged = StringIO(), StringIO()
    call_command("extract", *arguments, stdout=rules_only)
    assert model.asked == []
    call_command("extract", *arguments, "--model", stdout=merged)
    assert len(model.asked) == 1
    before = [t["owners"] for t in json.loads(rules_only.getvalue())["tasks"]]
    after = [(t["owners"], t["deadline"]) for t in json.loads(merged.getvalue())["tasks"]]
    assert before == [["县财政局"], ["县交通运输局"]]
    assert after == [
        (["县财政局"], "2023-08-31"),
        (["县交通运输局"], "2023-09-10"),
        ([], "2023-09-10"),
    ]


def test_the_command_refuses_the_model_when_none_is_configured(settings, tmp_path):
    from django.core.management import CommandError, call_command

    settings.LUOSHI_LLM_URL = ""
    document = tmp_path / "纪要.txt"
    document.write_text(TEXT, encoding="utf-8")
    names = tmp_path / "名录.json"
    names.write_text("[]", encoding="utf-8")
    with pytest.raises(CommandError, match="LUOSHI_LLM_URL"):
        call_command("extract", document, "--meeting-date", "2023-07-25", "--directory", names, "--model")
    settings.LUOSHI_LLM_URL = "http://127.0.0.1:9/v1"
    settings.LUOSHI_LLM_TIMEOUT = 2
    with pytest.raises(CommandError, match="没有回应"):
        call_command("extract", document, "--meeting-date", "2023-07-25", "--directory", names, "--model")


@pytest.mark.parametrize("content", ["", "不是 JSON", '[{"aliases": "甲"}]', '{"name": 1}'])
def test_a_directory_file_that_cannot_be_read_is_refused_with_a_message(tmp_path, content):
    from django.core.management import CommandError, call_command

    document = tmp_path / "纪要.txt"
    document.write_text(TEXT, encoding="utf-8")
    names = tmp_path / "名录.json"
    names.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match="名录文件读不了"):
        call_command("extract", document, "--meeting-date", "2023-07-25", "--directory", names)
