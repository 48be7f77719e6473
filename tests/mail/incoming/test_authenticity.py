"""Our mail server's verdict on a received email, without the app: Authentication-Results
headers as Google, Microsoft 365, Postfix with OpenDKIM and OpenDMARC, Rspamd and Amazon
SES write them; only those with our authserv-id count, and DMARC (or else SPF with DKIM)
says whether the email is from its From domain."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.mail.incoming.parse.authenticity import (
    AuthResult,
    authentication_failure,
    parse_authentication_results,
    trusted_results,
)
from app.mail.incoming.parse.message import parse_message
from tests.mail import incoming_messages as mails

FROM = "grace@example.com"
REPLY_TO = "reply+abcdefghijklmnopqrstuvwx@localhost"
OURS = "mx.acme.example"  # the authserv-id of our mail server in these tests
AR = "authentication-results"

# Gmail / Google Workspace: the authserv-id, then one result per line with comments.
GOOGLE_PASS = """mx.google.com;
       dkim=pass header.i=@example.com header.s=20230601 header.b=Qx3fTz9a;
       spf=pass (google.com: domain of grace@example.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=grace@example.com;
       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com"""
GOOGLE_FORGED = """mx.google.com;
       spf=fail (google.com: domain of grace@example.com does not designate 203.0.113.66 as permitted sender) smtp.mailfrom=grace@example.com;
       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=example.com"""
# Microsoft 365 (Exchange Online): no authserv-id, properties without a ptype, the tenant's
# name between results, and ";" without a space after it.
MICROSOFT_PASS = """spf=pass (sender IP is 209.85.128.41)
 smtp.mailfrom=example.com; acme.onmicrosoft.com; dkim=pass (signature was
 verified) header.d=example.com;acme.onmicrosoft.com; dmarc=pass action=none
 header.from=example.com;compauth=pass reason=100"""
MICROSOFT_FORGED = """spf=fail (sender IP is 203.0.113.66) smtp.mailfrom=example.com;
 dkim=none (message not signed) header.d=none;dmarc=fail action=oreject
 header.from=example.com;compauth=fail reason=000"""
# Postfix with OpenDMARC, an SPF policy daemon and OpenDKIM: one header from each.
POSTFIX_DMARC_NONE = "mx.acme.example; dmarc=none (p=none dis=none) header.from=example.com"
POSTFIX_SPF_FAIL = "mx.acme.example; spf=fail smtp.mailfrom=grace@example.com"
POSTFIX_DKIM_PASS = """mx.acme.example;
\tdkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com header.a=rsa-sha256 header.s=s1 header.b=AbCd1234;
\tdkim-atps=neutral"""


def ours(results: str) -> tuple[str, str]:
    return AR, f"{OURS}; {results}"


def failure(*headers: tuple[str, str], from_addr: str = FROM, authserv_id: str = OURS) -> str | None:
    return authentication_failure(headers, from_addr, authserv_id)


# -- reading the header ----------------------------------------------------------------


def test_googles_header_reads_as_its_results_with_their_properties():
    parsed = parse_authentication_results(GOOGLE_PASS)
    assert parsed.authserv_id == "mx.google.com"
    assert parsed.results == (
        AuthResult("dkim", "pass", (("header.i", "@example.com"), ("header.s", "20230601"), ("header.b", "Qx3fTz9a"))),
        AuthResult("spf", "pass", (("smtp.mailfrom", "grace@example.com"),)),
        AuthResult("dmarc", "pass", (("header.from", "example.com"),)),
    )
    assert parsed.results[0].domain("header.i") == "example.com"


def test_microsofts_header_has_no_authserv_id_and_its_results_still_read():
    parsed = parse_authentication_results(MICROSOFT_PASS)
    assert parsed.authserv_id == ""
    assert [(r.method, r.result) for r in parsed.results] == [
        ("spf", "pass"),
        ("dkim", "pass"),
        ("dmarc", "pass"),
        ("compauth", "pass"),
    ]
    dmarc = parsed.results[2]
    assert (dmarc.get("action"), dmarc.get("header.from")) == ("none", "example.com")
    assert parsed.results[3].get("reason") == "100"


def test_separators_inside_comments_and_quoted_strings_do_not_split_results():
    parsed = parse_authentication_results(
        '"mx.acme.example" 1; (a comment (nested, with \\) and ;) here);'
        ' dkim/1 = pass (2048-bit key; unprotected) header.d=example.com header.b="Ab;C+/9=";'
        " spf=fail smtp.mailfrom=SRS0=Ab12=XY=example.com=grace@forwarder.example"
    )
    assert parsed.authserv_id == "mx.acme.example"
    assert parsed.results == (
        AuthResult("dkim", "pass", (("header.d", "example.com"), ("header.b", "Ab;C+/9="))),
        AuthResult("spf", "fail", (("smtp.mailfrom", "SRS0=Ab12=XY=example.com=grace@forwarder.example"),)),
    )
    assert parsed.results[1].domain("smtp.mailfrom") == "forwarder.example"


@pytest.mark.parametrize(
    "value", ["mx.acme.example; none", "mx.acme.example;none ", "mx.acme.example", "mx.acme.example 1; none"]
)
def test_a_header_with_no_results_has_none(value):
    assert parse_authentication_results(value).authserv_id == "mx.acme.example"
    assert parse_authentication_results(value).results == ()


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        ";;;",
        "(((",
        ")))",
        '"',
        '"unclosed; dmarc=fail',
        "= = =",
        "mx; =pass; dmarc=",
        "mx; dmarc=fail (unclosed comment",
        "mx; spf=pass header.d",
        "mx; \\",
        "mx; dkim=pass a=b=c=d",
    ],
)
def test_broken_headers_are_read_as_far_as_they_go(value):
    parsed = parse_authentication_results(value)
    assert isinstance(parsed.results, tuple)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('mx.aq ();="\\=@/\t\n') | st.characters(), max_size=200))
def test_no_header_value_breaks_the_reader(value):
    parsed = parse_authentication_results(value)
    assert all(isinstance(r, AuthResult) for r in parsed.results)
    authentication_failure([(AR, value)], FROM, parsed.authserv_id or "mx")


def test_a_folded_header_in_a_received_email_reads_the_same():
    raw = mails.crlf(f"Authentication-Results: {GOOGLE_FORGED}\n") + mails.gmail_reply(FROM, REPLY_TO)
    msg = parse_message(raw)
    assert failure(*msg.headers, authserv_id="mx.google.com") == "dmarc=fail for example.com"


# -- whose headers count ---------------------------------------------------------------


def test_with_no_authserv_id_set_nothing_is_checked():
    assert failure(ours("dmarc=fail header.from=example.com"), authserv_id="") is None
    assert failure(ours("dmarc=fail header.from=example.com"), authserv_id="  ") is None


def test_the_authserv_id_is_compared_in_any_case():
    header = (AR, "MX.Acme.Example; dmarc=fail header.from=example.com")
    assert failure(header, authserv_id="mx.acme.example") == "dmarc=fail for example.com"
    assert failure(ours("dmarc=fail header.from=example.com"), authserv_id=" MX.ACME.EXAMPLE ") is not None


def test_headers_with_another_authserv_id_are_ignored_whatever_they_say():
    forged_pass = (AR, "mx.acme.example.evil.example; dmarc=pass header.from=example.com")
    forged_fail = (AR, "mail.evil.example; dmarc=fail header.from=example.com")
    ours_fail = ours("dmarc=fail (p=reject dis=none) header.from=example.com")
    assert failure(forged_pass, ours_fail) == "dmarc=fail for example.com"
    assert failure(forged_fail, ours("dmarc=pass header.from=example.com")) is None
    assert failure(forged_fail) is None
    assert trusted_results([forged_pass, forged_fail], OURS) == []


def test_only_the_authentication_results_header_itself_counts():
    arc = ("arc-authentication-results", f"i=1; {OURS}; dmarc=fail header.from=example.com")
    original = ("authentication-results-original", f"{OURS}; dmarc=fail header.from=example.com")
    assert failure(arc, original) is None


def test_microsofts_header_can_never_be_trusted():
    assert failure((AR, MICROSOFT_FORGED), authserv_id="acme.onmicrosoft.com") is None
    assert failure((AR, MICROSOFT_FORGED), authserv_id="spf") is None


def test_no_header_of_ours_refuses_nothing():
    assert failure() is None
    assert failure(ours("none")) is None


# -- DMARC -----------------------------------------------------------------------------


def test_googles_verdicts_are_followed():
    assert failure((AR, GOOGLE_PASS), authserv_id="mx.google.com") is None
    assert failure((AR, GOOGLE_FORGED), authserv_id="mx.google.com") == "dmarc=fail for example.com"


def test_dmarc_fail_refuses_even_under_a_policy_of_none_and_whatever_else_passed():
    header = ours(
        "dkim=pass header.d=example.com; spf=pass smtp.mailfrom=example.com;"
        " dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=example.com"
    )
    assert failure(header) == "dmarc=fail for example.com"


def test_dmarc_pass_decides_though_spf_failed():
    # Forwarded mail: SPF fails at the forwarder's address, the DKIM signature survives.
    assert failure(ours("spf=fail smtp.mailfrom=grace@example.com; dmarc=pass header.from=example.com")) is None
    assert failure(ours("spf=fail smtp.mailfrom=example.com; dmarc=bestguesspass header.from=example.com")) is None


def test_any_dmarc_fail_among_our_headers_refuses():
    assert (
        failure(ours("dmarc=pass header.from=example.com"), ours("dmarc=fail header.from=example.com"))
        == "dmarc=fail for example.com"
    )


def test_dmarc_fail_without_a_header_from_names_the_from_domain():
    assert failure(ours("dmarc=fail"), from_addr="Grace@Sub.Example.com") == "dmarc=fail for sub.example.com"


def test_a_dmarc_verdict_on_another_domain_than_the_from_refuses():
    # The server read another From than Unstuck did: only a crafted email does that.
    assert (
        failure(ours("dmarc=pass header.from=evil.example"))
        == "dmarc=pass for evil.example, but the mail is from example.com"
    )
    assert failure(ours("dmarc=pass header.from=EXAMPLE.COM.")) is None


def test_an_international_domain_matches_its_ascii_form():
    header = ours("dmarc=pass header.from=xn--bcher-kva.example")
    assert failure(header, from_addr="grace@bücher.example") is None


# -- SPF and DKIM, when DMARC gives no verdict -----------------------------------------


def test_postfix_headers_are_read_together():
    # No DMARC record: SPF failed, and a DKIM signature of the From domain passed.
    headers = [(AR, POSTFIX_DMARC_NONE), (AR, POSTFIX_SPF_FAIL), (AR, POSTFIX_DKIM_PASS)]
    assert failure(*headers) is None
    assert failure(*headers[:2]) == "spf=fail for example.com, and no dkim=pass for example.com"


@pytest.mark.parametrize(
    "dmarc", ["", "dmarc=none header.from=example.com;", "dmarc=temperror header.from=example.com;", "dmarc=permerror;"]
)
def test_spf_fail_with_no_dmarc_verdict_and_no_signature_refuses(dmarc):
    header = ours(
        f"{dmarc} spf=fail (sender IP is 203.0.113.66) smtp.mailfrom=bounce@mailer.example;"
        " dkim=none (message not signed)"
    )
    assert failure(header) == "spf=fail for mailer.example, and no dkim=pass for example.com"


@pytest.mark.parametrize("result", ["softfail", "neutral", "none", "temperror", "pass"])
def test_spf_results_short_of_fail_refuse_nothing(result):
    assert failure(ours(f"spf={result} smtp.mailfrom=grace@example.com")) is None


def test_hardfail_is_a_fail():
    assert (
        failure(ours("spf=hardfail smtp.helo=mail.example.com"))
        == "spf=fail for mail.example.com, and no dkim=pass for example.com"
    )


@pytest.mark.parametrize(
    "from_addr, signature",
    [
        ("grace@example.com", "header.d=example.com"),
        ("grace@example.com", "header.i=@example.com"),
        ("grace@example.com", "header.i=grace@example.com"),
        ("grace@example.com", "header.d=Example.COM"),
        ("grace@eng.example.com", "header.d=example.com"),  # a parent of the From domain
        ("grace@example.com", "header.d=mail.example.com"),  # a subdomain of it
    ],
)
def test_an_aligned_dkim_signature_makes_up_for_spf_fail(from_addr, signature):
    header = ours(f"spf=fail smtp.mailfrom=example.com; dkim=pass {signature}")
    assert failure(header, from_addr=from_addr) is None


@pytest.mark.parametrize(
    "signature",
    [
        "dkim=pass header.d=mailer.example",  # the mailing service's own signature
        "dkim=pass header.d=notexample.com",  # ends the same, another domain
        "dkim=pass header.d=com",  # a top-level domain aligns with nothing
        "dkim=pass header.i=@mailer.example",
        "dkim=pass",  # no domain named
        "dkim=fail (bad signature) header.d=example.com",
        "dkim=neutral (body hash did not verify) header.d=example.com",
    ],
)
def test_a_dkim_result_that_is_not_an_aligned_pass_does_not(signature):
    assert (
        failure(ours(f"spf=fail smtp.mailfrom=example.com; {signature}"))
        == "spf=fail for example.com, and no dkim=pass for example.com"
    )


def test_shapes_of_rspamd_and_amazon_ses():
    rspamd = (
        AR,
        """mx.acme.example;
\tdkim=pass header.d=example.com header.s=s1 header.b=AbCd1234;
\tdmarc=pass (policy=reject) header.from=example.com;
\tspf=pass (mx.acme.example: domain of grace@example.com designates 203.0.113.7 as permitted sender) smtp.mailfrom=grace@example.com""",
    )
    ses = (
        AR,
        "amazonses.com; spf=fail (spfCheck: domain of example.com does not designate 203.0.113.66"
        " as permitted sender) client-ip=203.0.113.66; envelope-from=grace@example.com;"
        " helo=mail.evil.example; dkim=none header.i=@example.com;"
        " dmarc=fail header.from=example.com;",
    )
    assert failure(rspamd) is None
    assert failure(ses, authserv_id="amazonses.com") == "dmarc=fail for example.com"
