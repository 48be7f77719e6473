"""Whether our own mail server found an email to come from its From domain: the verdict of
its Authentication-Results header (RFC 8601) on DMARC, SPF and DKIM.

    authentication_failure(msg.headers, msg.from_addr, "mx.example.com")
    # "dmarc=fail for example.com", or None when nothing says the email is forged

    parse_authentication_results("mx.example.com; spf=pass smtp.mailfrom=example.com")
    # AuthenticationResults("mx.example.com", (AuthResult("spf", "pass", ...),))

Anyone can write an Authentication-Results header into the mail they send, so only the
headers that name the trusted authserv-id (the one our mail server writes, whatever its
case) are read; every other one is ignored, wherever it stands. That is sound when the
server removes headers with its own authserv-id from the mail it receives, as RFC 8601
section 5 asks. The results of all the trusted headers are read together, because a server
that runs several filters (OpenDKIM, OpenDMARC and an SPF policy daemon behind Postfix)
writes one header for each. Where a header stands (above or below a Received header) is
not looked at: Google puts its own below Received headers it added itself.

The email is refused when
- DMARC failed (`dmarc=fail`), whatever policy the domain publishes: a reply is posted in
  a person's name, so a domain's "p=none" does not make unauthenticated mail good enough;
- DMARC judged another domain than the From we read (the server and Unstuck parsed the
  From differently, which only a crafted email does);
- DMARC gave no verdict (no result, `none`, `temperror`, `permerror`), SPF failed
  (`fail`, not `softfail`) and no DKIM signature that passed is aligned with the From
  domain: signed by that domain, a parent of it or a subdomain of it (relaxed alignment).
Otherwise, and always when no trusted header is there, it is not refused.

Microsoft 365 writes its header with no authserv-id at all (a known departure from the
RFC), so nothing can name it: such headers are read, and never trusted.

The grammar is read leniently, as real servers write it: comments in parentheses (nested,
anywhere), quoted strings, results separated by ";", `none` for no results, method
versions ("dkim/1"), properties without a ptype ("action=none", Microsoft's), values with
"=" in them (SRS addresses), and stray words between results. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HEADER = "authentication-results"
# Results of a DMARC check that decide: the From domain is authenticated, or it is not.
# bestguesspass is Microsoft's: no DMARC record, but the mail would have passed one.
DMARC_VERDICTS = {"pass", "fail", "bestguesspass"}
# "hardfail" is what RFC 5451 called an SPF fail; softfail and neutral are no fail.
SPF_FAILED = {"fail", "hardfail"}
SPECIALS = '();="'


@dataclass(frozen=True)
class AuthResult:
    """One result of an Authentication-Results header: "dkim=pass header.d=example.com"."""

    method: str  # lower case, without a version: "dmarc", "spf", "dkim"
    result: str  # lower case: "pass", "fail", "none"...
    properties: tuple[tuple[str, str], ...] = ()  # (lower-case name, value), in order

    def get(self, name: str) -> str:
        """The value of the first property of that name ("header.from"), or ""."""
        return next((value for key, value in self.properties if key == name), "")

    def domain(self, name: str) -> str:
        """The domain a property names, whether as a domain or an address ("@example.com")."""
        return normal_domain(self.get(name).rpartition("@")[2])


@dataclass(frozen=True)
class AuthenticationResults:
    """An Authentication-Results header: who wrote it, and what it found."""

    authserv_id: str  # as written; "" when the header names none (Microsoft 365)
    results: tuple[AuthResult, ...]


# -- the verdict -----------------------------------------------------------------------


def authentication_failure(headers: Iterable[tuple[str, str]], from_addr: str, authserv_id: str) -> str | None:
    """Say why our mail server found the email not to be from its From domain, or None.

    `headers` are (lower-case name, value) pairs, as IncomingMessage.headers holds them;
    `authserv_id` is the id our server writes into its headers; empty, nothing is checked.
    """
    results = trusted_results(headers, authserv_id)
    from_domain = normal_domain(from_addr.rpartition("@")[2])
    dmarc = [r for r in results if r.method == "dmarc"]
    for result in dmarc:
        if result.result == "fail":
            return f"dmarc=fail for {result.domain('header.from') or from_domain or 'no domain'}"
    for result in dmarc:
        judged = result.domain("header.from")
        if judged and judged != from_domain:
            return f"dmarc={result.result} for {judged}, but the mail is from {from_domain or 'no domain'}"
    if any(r.result in DMARC_VERDICTS for r in dmarc):
        return None
    spf_failed = next((r for r in results if r.method == "spf" and r.result in SPF_FAILED), None)
    if spf_failed is None or any(_aligned_signature(r, from_domain) for r in results):
        return None
    spf_domain = spf_failed.domain("smtp.mailfrom") or spf_failed.domain("smtp.helo") or from_domain
    return f"spf=fail for {spf_domain or 'no domain'}, and no dkim=pass for {from_domain or 'no domain'}"


def trusted_results(headers: Iterable[tuple[str, str]], authserv_id: str) -> list[AuthResult]:
    """The results of every Authentication-Results header that names this authserv-id."""
    trusted = authserv_id.strip().lower()
    if not trusted:
        return []
    found: list[AuthResult] = []
    for name, value in headers:
        if name.lower() == HEADER:
            parsed = parse_authentication_results(value)
            if parsed.authserv_id.lower() == trusted:
                found.extend(parsed.results)
    return found


def _aligned_signature(result: AuthResult, from_domain: str) -> bool:
    """Whether a result is a DKIM signature that passed, by the From domain or one related
    to it: the same, a parent or a subdomain (of at least two labels: never "com")."""
    if result.method != "dkim" or result.result != "pass" or not from_domain:
        return False
    signer = result.domain("header.d") or result.domain("header.i")
    if "." not in signer:
        return False
    return signer == from_domain or from_domain.endswith("." + signer) or signer.endswith("." + from_domain)


def normal_domain(text: str) -> str:
    """A domain as compared: lower case, without a final dot, in ASCII (IDNA) when it can be."""
    domain = text.strip().strip("<>").strip().rstrip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


# -- reading the header ----------------------------------------------------------------


def parse_authentication_results(value: str) -> AuthenticationResults:
    """Read the value of an Authentication-Results header; never fails, whatever it holds."""
    scan = _Scanner(value)
    scan.skip_space()
    start = scan.pos
    authserv_id = scan.quoted() if scan.peek() == '"' else scan.word()
    scan.skip_space()
    if scan.peek() == "=":  # no authserv-id: the header starts with a result (Microsoft)
        authserv_id, scan.pos = "", start
    results = []
    while not scan.at_end():
        scan.skip_space()
        if scan.peek() == ";":
            scan.pos += 1
        result = _result(scan)
        if result is not None:
            results.append(result)
    return AuthenticationResults(authserv_id, tuple(results))


def _result(scan: _Scanner) -> AuthResult | None:
    """Read one result up to the next ";": None for "none", a version number, or stray words."""
    scan.skip_space()
    method = scan.word()
    scan.skip_space()
    if not method or scan.peek() != "=":
        _skip_to_separator(scan)
        return None
    scan.pos += 1
    scan.skip_space()
    result = scan.word()
    properties = []
    while True:
        scan.skip_space()
        if scan.at_end() or scan.peek() == ";":
            break
        name = scan.word()
        scan.skip_space()
        if not name:
            scan.skip_token()  # a quoted string, a stray "=" or ")"
            continue
        if scan.peek() != "=":
            continue  # a word without a value
        scan.pos += 1
        scan.skip_space()
        properties.append((name.lower(), scan.value()))
    return AuthResult(method.split("/")[0].strip().lower(), result.lower(), tuple(properties))


def _skip_to_separator(scan: _Scanner) -> None:
    while True:
        scan.skip_space()
        if scan.at_end() or scan.peek() == ";":
            return
        scan.skip_token()


class _Scanner:
    """Reads a header value from left to right; comments count as white space."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def step(self) -> str:
        """The next character, which is passed over; "" at the end."""
        self.pos += 1
        return self.text[self.pos - 1 : self.pos]

    def skip_token(self) -> None:
        """Pass over a value, or else one character."""
        if not self.value():
            self.pos += 1

    def skip_space(self) -> None:
        """Skip white space and comments; a comment nests and may hold quoted pairs (\\))."""
        depth = 0
        while not self.at_end():
            char = self.text[self.pos]
            if char == "\\" and depth:
                self.pos += 2
                continue
            if char == "(":
                depth += 1
            elif char == ")" and depth:
                depth -= 1
            elif not depth and not char.isspace():
                return
            self.pos += 1

    def word(self) -> str:
        """A keyword, an authserv-id or a property name: up to white space or a special."""
        start = self.pos
        while not self.at_end() and self.text[self.pos] not in SPECIALS and not self.text[self.pos].isspace():
            self.pos += 1
        return self.text[start : self.pos]

    def value(self) -> str:
        """A property's value: a quoted string, or anything up to white space, ";" or "(",
        "=" included (SRS addresses have them)."""
        if self.peek() == '"':
            return self.quoted()
        start = self.pos
        while not self.at_end() and self.text[self.pos] not in '();"' and not self.text[self.pos].isspace():
            self.pos += 1
        return self.text[start : self.pos]

    def quoted(self) -> str:
        """A quoted string, without its quotes and escapes; an unclosed one runs to the end."""
        self.pos += 1
        out = []
        while not self.at_end():
            char = self.step()
            if char == "\\":
                out.append(self.step())
            elif char == '"':
                break
            else:
                out.append(char)
        return "".join(out)
