"""A stand-in for Slack's Web API, run as its own process on loopback: it checks each call
against the method's required arguments and Block Kit's rules (slack_sdk's models), records
it, and answers as Slack does.

    python standin.py RECORD_FILE WORLD_FILE

It prints "ready PORT" once it listens at http://127.0.0.1:PORT/api/. WORLD_FILE, read at
every call, says what the workspace holds: {"team": {"id", "name"}, "bot_token", "users":
{"U1": {"email", "confirmed", "name"}}, "channels": {"C1": {"name"}}, "ratelimited":
["users.lookupByEmail"], "refused": {"chat.postMessage": "account_inactive"}}; a method
named in "ratelimited" is answered 429 with Retry-After, as Slack answers a method called
too often, and one named in "refused" gets that error, as Slack refuses for good. Each call is appended to RECORD_FILE as one
JSON line: the method, its arguments, the problems found (a call with problems is answered
{"ok": false, "error": "invalid_arguments"}) and the answer.
"""

import base64
import itertools
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, SectionBlock
from slack_sdk.models.views import View

RECORD, WORLD = Path(sys.argv[1]), Path(sys.argv[2])
lock = threading.Lock()
clock = itertools.count(1)
posted: dict[tuple[str, str], dict] = {}  # (channel, ts) -> the message

MESSAGE_BLOCKS, VIEW_BLOCKS, SECTION_CHARS = 50, 100, 3000
# Each method's required arguments; a tuple is "one of these". Tokens are checked apart.
REQUIRED = {
    "oauth.v2.access": ["code"],
    "auth.test": [],
    "users.info": ["user"],
    "users.lookupByEmail": ["email"],
    "conversations.open": [("users", "channel")],
    "conversations.info": ["channel"],
    "chat.postMessage": ["channel", ("text", "blocks", "attachments")],
    "chat.update": ["channel", "ts"],
    "chat.postEphemeral": ["channel", "user", ("text", "blocks", "attachments")],
    "chat.getPermalink": ["channel", "message_ts"],
    "views.open": ["trigger_id", "view"],
    "views.update": ["view", ("view_id", "external_id")],
}


def blocks_problems(blocks, limit: int) -> list[str]:
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    problems = [f"{len(blocks)} blocks, more than {limit}"] if len(blocks) > limit else []
    for raw in blocks:
        block = Block.parse(raw)
        if block is None:
            problems.append(f"not a block: {raw!r}")
            continue
        try:
            block.validate_json()
        except SlackObjectFormationError as exc:
            problems.append(f"{raw.get('type')}: {exc}")
        if isinstance(block, SectionBlock) and block.text and len(block.text.text) > SECTION_CHARS:
            problems.append("a section's text is longer than 3000 characters")
        if block.to_dict() != raw:
            problems.append(f"a block says more than Block Kit knows: {raw!r}")
    return problems


def view_problems(view) -> list[str]:
    if isinstance(view, str):
        view = json.loads(view)
    try:
        model = View(**view)
        model.validate_json()
    except (SlackObjectFormationError, TypeError) as exc:
        return [f"view: {exc}"]
    if view.get("type") == "modal" and not view.get("title"):
        return ["a modal needs a title"]
    return blocks_problems(view.get("blocks", []), VIEW_BLOCKS)


def problems_of(method: str, args: dict, token: str | None, world: dict) -> list[str]:
    if method not in REQUIRED:
        return [f"unknown method {method}"]
    problems = []
    for need in REQUIRED[method]:
        names = need if isinstance(need, tuple) else (need,)
        if not any(args.get(name) not in (None, "") for name in names):
            problems.append(f"missing {' or '.join(names)}")
    if "blocks" in args and args["blocks"]:
        problems += blocks_problems(args["blocks"], MESSAGE_BLOCKS)
    if "view" in args and args["view"]:
        problems += view_problems(args["view"])
    if "text" in args and len(str(args["text"])) > 40_000:
        problems.append("text longer than 40,000 characters")
    return problems


def user_object(user_id: str, user: dict, team: dict) -> dict:
    return {
        "id": user_id,
        "team_id": team["id"],
        "name": user["email"].split("@")[0],
        "deleted": False,
        "is_bot": False,
        "is_email_confirmed": user.get("confirmed", True),
        "profile": {"email": user["email"], "real_name": user.get("name", "")},
    }


def answer(method: str, args: dict, world: dict) -> dict:
    team = world.get("team", {"id": "T0001", "name": "Acme"})
    if method == "oauth.v2.access":
        if args.get("code") != world.get("code", "good-code"):
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "access_token": world["bot_token"],
            "token_type": "bot",
            "scope": "chat:write,im:write,users:read,users:read.email,commands",
            "bot_user_id": "UBOT",
            "app_id": "A0001",
            "team": team,
            "enterprise": None,
            "authed_user": {"id": "UADMIN"},
            "is_enterprise_install": False,
        }
    if method == "auth.test":
        return {
            "ok": True,
            "url": "https://acme.slack.com/",
            "team": team["name"],
            "user": "unstuck",
            "team_id": team["id"],
            "user_id": "UBOT",
            "bot_id": "B0001",
            "is_enterprise_install": False,
        }
    if method == "users.info":
        user = world.get("users", {}).get(args["user"])
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user_object(args["user"], user, team)}
    if method == "users.lookupByEmail":
        wanted = str(args["email"]).strip().lower()
        for user_id, user in world.get("users", {}).items():
            if user["email"].lower() == wanted:
                return {"ok": True, "user": user_object(user_id, user, team)}
        return {"ok": False, "error": "users_not_found"}
    if method == "conversations.open":
        return {"ok": True, "channel": {"id": "D" + str(args.get("users") or args.get("channel"))}}
    if method == "conversations.info":
        channel = world.get("channels", {}).get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {"id": args["channel"], "is_channel": True, "is_archived": False, **channel}}
    if method == "chat.postMessage":
        ts = f"1700000000.{next(clock):06d}"
        posted[(args["channel"], ts)] = args
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": {"text": args.get("text"), "ts": ts}}
    if method == "chat.update":
        if (args["channel"], args["ts"]) not in posted:
            return {"ok": False, "error": "message_not_found"}
        posted[(args["channel"], args["ts"])] = args
        return {"ok": True, "channel": args["channel"], "ts": args["ts"], "text": args.get("text", "")}
    if method == "chat.postEphemeral":
        return {"ok": True, "message_ts": f"1700000000.{next(clock):06d}"}
    if method == "chat.getPermalink":
        ts = str(args["message_ts"]).replace(".", "")
        return {
            "ok": True,
            "channel": args["channel"],
            "permalink": f"https://acme.slack.com/archives/{args['channel']}/p{ts}",
        }
    if method == "views.open" and args["trigger_id"] == "expired":
        return {"ok": False, "error": "expired_trigger_id"}  # a trigger lives 3 seconds
    if method in ("views.open", "views.update"):
        view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
        return {"ok": True, "view": {**view, "id": args.get("view_id") or "V0001", "hash": "h1"}}
    return {"ok": False, "error": "unknown_method"}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        """A method called with its arguments in the query (slack_sdk calls users.lookupByEmail so)."""
        path, _, query = self.path.partition("?")
        self.respond(path.rsplit("/", 1)[-1], dict(parse_qsl(query, keep_blank_values=True)))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        if "json" in (self.headers.get("content-type") or ""):
            args = json.loads(body or "{}")
        else:
            args = dict(parse_qsl(body, keep_blank_values=True))
        self.respond(self.path.split("?")[0].rsplit("/", 1)[-1], args)

    def respond(self, method: str, args: dict):
        status = 200
        world = json.loads(WORLD.read_text()) if WORLD.exists() else {}
        authorization = self.headers.get("authorization") or ""
        token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else args.get("token")
        with lock:
            problems = problems_of(method, args, token, world)
            if problems:
                reply = {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": problems}}
            elif method == "oauth.v2.access":
                basic = base64.b64decode(authorization.removeprefix("Basic ")).decode() if authorization else ""
                client = (args.get("client_id"), args.get("client_secret")) if not basic else tuple(basic.split(":", 1))
                good = (world.get("client_id"), world.get("client_secret"))
                reply = answer(method, args, world) if client == good else {"ok": False, "error": "invalid_client_id"}
            elif token != world.get("bot_token"):
                reply = {"ok": False, "error": "invalid_auth"}
            elif method in world.get("ratelimited", []):
                status, reply = 429, {"ok": False, "error": "ratelimited"}
            elif method in world.get("refused", {}):
                reply = {"ok": False, "error": world["refused"][method]}
            else:
                reply = answer(method, args, world)
            with RECORD.open("a") as f:
                f.write(json.dumps({"method": method, "args": args, "problems": problems, "answer": reply}) + "\n")
        data = json.dumps(reply).encode()
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "30")
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()
