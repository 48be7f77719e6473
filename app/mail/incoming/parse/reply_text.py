"""What a mentor wrote in a reply by email, without the quoted original or the signature.

    reply_from_bodies(text, html) -> str   (reply) what callers use: the plain part, else the HTML
    reply_text(text) -> str                trim a plain-text body
    html_to_text(html) -> str              (reply_html) an HTML body as text, quotes removed

A text part sent with format=flowed should go through flowed.unflow() first. The text
is meant to be shown as Markdown: HTML lists become "- item", <pre> a ``` block.

Dropped: lines quoted with ">", the line that introduces them ("On ... wrote:" and its
forms), Outlook's "From: / Sent: / To: / Subject:" block and everything after it,
"-----Original Message-----" and forwarding lines and what follows them, the signature
after "-- ", footers that phones and apps add ("Sent from my iPhone"), legal footers, and a
contact card (name, title, phone) at the very end. Kept: everything else the mentor typed,
greeting and sign-off ("Thanks,\nAnna") included.

Choices a reader should know:
- A line starting with ">" is a quote, unless it sits inside a fenced code block (``` or
  ~~~) of the mentor's own, which is kept untouched. Outside code, the mentor's own "> "
  lines cannot be told from the original in plain text, so they go too; so do blockquotes
  of an HTML-only mail that are not marked as a reply's quote.
- Unquoted lines between quoted ones are the mentor's inline answers and are kept, unless
  they finish a long quoted line that the client wrapped without its ">".
- A contact card (lines with a phone number, address or web site) that ends the reply goes;
  the sign-off and name above it stay.
- The result has "\n" newlines, no trailing spaces, at most one blank line in a row
  (code included) and no blank lines at either end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- Quote headers: the line that introduces the quoted original, by language ---------------
# It may be wrapped over up to three lines and must name a date (a digit) or an address (@),
# so that "On Monday you wrote that..." in the mentor's own words is never one.
ATTRIBUTION = re.compile(
    r"""^(?:
    On\s.+\s(?:wrote|writes)                  # en: Gmail, Apple Mail, Thunderbird, Yahoo
  | Am\s.+\sschrieb(?:\s.+)?                  # de: "Am 3. Nov. 2026 um 14:02 schrieb Jane <…>:"
  | Am\s.+\shat\s.+\sgeschrieben               # de, Yahoo: "Am Dienstag, … hat Jane <…> Folgendes geschrieben:"
  | Le\s.+\sa\sécrit                          # fr: "Le 3 nov. 2026 à 14:02, Jane <…> a écrit :"
  | El\s.+\sescribió                          # es: "El mar, 3 nov 2026 a las 14:02, Jane escribió:"
  | Op\s.+\sschreef(?:\s.+)?                  # nl: "Op di 3 nov. 2026 om 14:02 schreef Jane <…>:"
  | Op\s.+\sheeft\s.+\sgeschreven              # nl, Apple: "Op 3 nov 2026 … heeft Jane <…> het volgende geschreven:"
  | Il\s.+\sha\sscritto                       # it: "Il giorno mar 3 nov 2026 ... Jane ha scritto:"
  | (?:Em|No\sdia)\s.+\sescreveu              # pt: "Em ter., 3 de nov. de 2026 ... escreveu:"
  | .*\S@\S.*\s(?:wrote|schrieb|a\sécrit|escribió|schreef|ha\sscritto|escreveu)  # "Jane <jane@…> wrote:"
  | .*\S@\S.*\sschrieb\sam\s.+               # de, Gmail for Android: "Jane <…> schrieb am Di., …:"
)\s?:$""",
    re.X,
)
ATTRIBUTION_MAX_LINES = 3

# --- Forward blocks: lines after which nothing is the mentor's --------------------------------
_SEPARATOR = r"""(?:
    # Outlook and Android mail apps above the original's headers
    -{2,}\s*(?:Original\sMessage|Ursprüngliche\sNachricht|Originalnachricht|Message\sd'origine
      |Mensaje\soriginal|Oorspronkelijk\sbericht|Messaggio\soriginale|Mensagem\soriginal)\s*-{2,}
    # Gmail and Thunderbird forwarding
  | -{2,}\s*(?:Forwarded\smessage|Weitergeleitete\sNachricht|Message\stransféré|Mensaje\sreenviado
      |Doorgestuurd\sbericht|Messaggio\sinoltrato|Mensagem\sencaminhada)\s*-{2,}
    # Apple Mail forwarding
  | (?:Begin\sforwarded\smessage|Anfang\sder\sweitergeleiteten\sNachricht|Début\sdu\smessage\sréexpédié
      |Inicio\sdel\smensaje\sreenviado|Begin\sdoorgestuurd\sbericht|Inizio\smessaggio\sinoltrato
      |Início\sda\smensagem\sreencaminhada)\s?:
    # Outlook's rule above the header block
  | _{10,}
)"""
SEPARATOR = re.compile(r"^\s*" + _SEPARATOR + r"\s*$", re.X | re.I)
STARTS_WITH_SEPARATOR = re.compile(r"^\s*" + _SEPARATOR, re.X | re.I)

# Fields of a header block (Outlook, OWA, Outlook for Mac, forwarded headers), by kind.
HEADER_FIELDS = {
    "from": ["From", "Von", "De", "Van", "Da"],
    "sent": [
        "Sent",
        "Date",
        "Gesendet",
        "Datum",
        "Envoyé",
        "Enviado el",
        "Enviado",
        "Fecha",
        "Verzonden",
        "Inviato",
        "Data",
    ],
    "to": ["To", "An", "À", "A", "Para", "Aan"],
    "cc": ["Cc", "Kopie"],
    "subject": ["Subject", "Betreff", "Objet", "Asunto", "Onderwerp", "Oggetto", "Assunto"],
}
_FIELD_KIND = {name.lower(): kind for kind, names in HEADER_FIELDS.items() for name in names}
# "From:", "*From:*" (Gmail's text of bold), "De :" (French puts a space before the colon); an
# indented block is the mentor's example, not a header.
HEADER_FIELD = re.compile(
    r"^ {0,3}\*?(?P<name>" + "|".join(sorted(_FIELD_KIND, key=len, reverse=True)) + r")\*?\s?:\*?(?:\s|$)", re.I
)

# --- Signatures: the delimiter, and footers that apps add on their own, by language ---------
SIGNATURE_DELIMITER = re.compile(r"^--\s?$")
# A link a client writes after a word, "Get Outlook for iOS<https://aka.ms/o0ukef>": left out
# before the footers are matched.
LINK_AFTER_WORD = re.compile(r"\s*(?:<https?://[^>]*>|\[https?://[^\]]*\]|\(https?://[^)]*\))")
# The rest of such a footer names a device or an app: a few words, no sentence.
_DEVICE = r"[^,;:!?]{1,40}"
MOBILE_FOOTER = re.compile(
    r"^(?:"
    + "|".join(
        [
            # en
            rf"Sent from my {_DEVICE}",
            r"Get Outlook for (?:iOS|Android|Mac|Windows)",
            r"Sent (?:from|with|via) (?:Outlook|Yahoo Mail|Mail|Gmail|Proton ?Mail|BlueMail|Spark)\b[^,;:!?]{0,40}",
            # de
            rf"Von meine[mr] {_DEVICE} gesendet",
            rf"Gesendet (?:von|mit|vom) {_DEVICE}",
            r"Outlook für (?:iOS|Android) herunterladen",
            # fr
            rf"Envoyé (?:de|depuis|à partir de) {_DEVICE}",
            r"(?:Télécharger|Obtenir) Outlook pour (?:iOS|Android)",
            # es
            rf"Enviado desde {_DEVICE}",
            r"(?:Obtener|Descargar) Outlook para (?:iOS|Android)",
            # nl, it, pt
            rf"(?:Verzonden|Verstuurd) (?:vanaf|vanuit|met) {_DEVICE}",
            r"Outlook voor (?:iOS|Android) downloaden",
            rf"Inviato da {_DEVICE}",
            r"Scarica Outlook per (?:iOS|Android)",
            rf"Enviado do {_DEVICE}",
            r"Obter o Outlook para (?:iOS|Android)",
        ]
    )
    + r")\.?$",
    re.I,
)

# First line of a legal footer; it and everything after it in that part of the reply go.
# Headings that a mentor might also write ("Disclaimer: I haven't tried it") count only in
# capitals or when the sentence after them is about this email.
_ABOUT_THIS_MAIL = r"\W*(?:This|The information|Diese|Ce|Este|Dit|Questo|Esta)\b"
LEGAL_FOOTER = re.compile(
    r"^\W*(?:"
    + "|".join(
        [
            r"(?-i:DISCLAIMER|IMPORTANT NOTICE|AVERTISSEMENT|AVISO LEGAL|CONFIDENCIALIDAD|HAFTUNGSAUSSCHLUSS)",
            rf"(?:Legal |Important )?(?:Disclaimer|Notice|Haftungsausschluss|Avertissement|Aviso legal):?{_ABOUT_THIS_MAIL}",
            # en
            r"(?:CONFIDENTIALITY|PRIVACY) (?:NOTICE|NOTE|STATEMENT)",
            r"This (?:e-?mail|message|communication)\b.{0,80}\b(?:confidential|privileged|intended (?:solely |only )?for)",
            r"The information (?:contained )?in this (?:e-?mail|message)",
            r"If you (?:are not the intended recipient|have received this)",
            r"Please consider the environment before printing",
            # de
            r"Diese (?:E-Mail|Nachricht|Mail)\b.{0,80}\b(?:vertraulich|rechtlich geschützte)",
            r"Vertraulichkeitshinweis",
            r".{0,60}\b(?:Sitz der Gesellschaft|Registergericht|Amtsgericht)\b",
            r"Geschäftsführ(?:er|ung):",
            r"Bitte denken Sie an die Umwelt",
            # fr
            r"Ce (?:message|courriel|e-?mail)\b.{0,80}\b(?:confidentiel|destinataire)",
            r"Avis de confidentialité",
            r"Les informations contenues dans ce",
            r"(?:Pensez|Merci de penser) à l'environnement",
            # es
            r"Este (?:mensaje|correo)\b.{0,80}\b(?:confidencial|destinatario)",
            r"AVISO DE CONFIDENCIALIDAD",
            r"La información contenida en este",
            r"Antes de imprimir (?:este|esta) (?:correo|mensaje|e-?mail)",
            # nl, it, pt
            r"Dit (?:e-?mail)?bericht\b.{0,80}\bvertrouwelijk",
            r"Questo messaggio\b.{0,80}\briservat",
            r"Esta mensagem\b.{0,80}\bconfidencia",
        ]
    )
    + r")",
    re.I,
)

# A sign-off, which is kept even when a contact card follows it.
VALEDICTION = re.compile(
    r"^(?:"
    + "|".join(
        [
            r"(?:Best|Kind|Warm)?\s?regards",
            r"Best(?: wishes)?",
            r"Cheers",
            r"Thanks?(?: you)?",
            r"Many thanks",
            r"All the best",
            r"(?:Viele|Beste|Liebe|Freundliche) Grüße",
            r"Mit freundlichen Grüßen",
            r"Gruß",
            r"VG",
            r"LG",
            r"Cordialement",
            r"Bien (?:à vous|cordialement)",
            r"Merci",
            r"Bonne journée",
            r"(?:Un )?saludos?(?: cordiales)?",
            r"Atentamente",
            r"Gracias",
            r"Met vriendelijke groet(?:en)?",
            r"Groeten",
            r"Cordiali saluti",
            r"Saluti",
            r"Atenciosamente",
            r"Abraços",
        ]
    )
    + r")[,.!]?$",
    re.I,
)

# A line of a contact card: a phone number, an address, a web site, or a labelled one of these.
CONTACT_LINE = re.compile(
    r"""(?:
    (?:^|\s|:)\+?\(?\d[\d\s().\/-]{6,}\d\b          # +49 30 1234 5678, (030) 123-456
  | [\w.+-]+@[\w-]+\.[\w.-]+                        # anna@acme.example
  | \bwww\.\S+ | https?://\S+
  | ^(?:Tel|Phone|Mobile?|Mob|Cell|Fax|Telefon|Tél|Téléphone|Teléfono|Móvil|Handy|[TMFEW])\.?\s?:
)""",
    re.X | re.I,
)
CARD_MAX_LINES = 8

# A line drawn with one character, above a footer.
RULE = re.compile(r"^\s*([-_=*~#.])\1{2,}\s*$")

QUOTED = re.compile(r"^>")
WRAPPED_QUOTE_MIN = 50  # characters: a quoted line this long may have been wrapped
WRAPPED_QUOTE_MAX_LINES = 3
CODE_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def reply_text(text: str) -> str:
    """Return the mentor's words from a plain-text body, without quotes or signature."""
    lines = normalise(text).split("\n")
    own = _own_lines(lines, _code_lines(lines))
    own = _without_signatures(own)
    own = _without_contact_card(_without_trailing_rules(own))
    return tidy("\n".join("" if line is None else line.text for line in own))


# --- Plain text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    code: bool = False


def normalise(text: str) -> str:
    """Unify newlines and the spaces and invisible marks that clients sprinkle in."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")


def tidy(text: str) -> str:
    """Strip trailing spaces, keep at most one blank line in a row, and none at either end."""
    lines = [line.rstrip() for line in text.split("\n")]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept).strip("\n")


def _code_lines(lines: list[str]) -> set[int]:
    """Return the indexes of lines inside closed code fences, the fences included."""
    code, i = set(), 0
    while i < len(lines):
        opening = CODE_FENCE.match(lines[i])
        if opening:
            fence = opening.group(1)
            close = next(
                (
                    j
                    for j in range(i + 1, len(lines))
                    if lines[j].strip().startswith(fence[0] * len(fence)) and not lines[j].strip().strip(fence[0])
                ),
                None,
            )
            if close is not None:
                code.update(range(i, close + 1))
                i = close
        i += 1
    return code


def _own_lines(lines: list[str], code: set[int]) -> list[_Line | None]:
    """Return the lines the mentor wrote, with None where quoted lines were left out."""
    own: list[_Line | None] = []
    i = 0
    while i < len(lines):
        if i in code:
            own.append(_Line(lines[i], code=True))
            i += 1
            continue
        wrapped_end = _wrapped_quote_end(lines, i)
        if QUOTED.match(lines[i]) or wrapped_end > i:
            if own and own[-1] is not None:
                own.append(None)
            i = max(i + 1, wrapped_end)
            continue
        end = _attribution_end(lines, i)
        if end is not None and _quoted_next(lines, end):
            # "On ... wrote:" above quoted lines: drop it, answers between the quotes stay.
            i = end
            continue
        if end is not None or SEPARATOR.match(lines[i]) or _is_header_block(lines, i):
            break
        own.append(_Line(lines[i]))
        i += 1
    return own


def _wrapped_quote_end(lines: list[str], i: int) -> int:
    """Return the index after the unquoted lines from i that are the rest of a long quoted line
    a client wrapped without its ">" (Gmail for Android does), or i if there are none.

    They sit right between quoted lines, below a quoted line cut mid-sentence, and all but the
    last of them are long too.
    """
    if not 0 < i < len(lines) or not QUOTED.match(lines[i - 1]):
        return i
    above = lines[i - 1].lstrip("> ").rstrip()
    if len(above) < WRAPPED_QUOTE_MIN or above.endswith((".", "!", "?", ":", ";")):
        return i
    for j in range(i, min(i + WRAPPED_QUOTE_MAX_LINES, len(lines))):
        if not lines[j].strip():
            return i
        if j + 1 == len(lines) or QUOTED.match(lines[j + 1]):
            return j + 1
        if len(lines[j].rstrip()) < WRAPPED_QUOTE_MIN:
            return i
    return i


def _attribution_end(lines: list[str], i: int) -> int | None:
    """Return the index after an "On ... wrote:" line (or lines) starting at i, else None."""
    joined = ""
    for j in range(i, min(i + ATTRIBUTION_MAX_LINES, len(lines))):
        if not lines[j].strip() or QUOTED.match(lines[j]):
            return None
        joined = f"{joined} {lines[j].strip()}".strip()
        if is_attribution(joined):
            return j + 1
    return None


def is_attribution(line: str) -> bool:
    """Tell whether a line is the one a client puts above the quoted original."""
    line = " ".join(line.split())
    return len(line) <= 300 and bool(re.search(r"[\d@]", line)) and bool(ATTRIBUTION.match(line))


def _quoted_next(lines: list[str], i: int) -> bool:
    """Tell whether the next line with text at or after i is quoted (or there is none)."""
    rest = [line for line in lines[i:] if line.strip()]
    return not rest or bool(QUOTED.match(rest[0]))


def _is_header_block(lines: list[str], i: int) -> bool:
    """Tell whether an Outlook-style header block (From:, Sent:, To:, Subject:) starts at i.

    It takes three kinds of field, one of them the sender and one the date or subject, so that
    a line such as "From: the release notes, ..." in the mentor's text is not one.
    """
    if not HEADER_FIELD.match(lines[i]):
        return False
    kinds: set[str] = set()
    wrapped = 0
    for line in lines[i : i + 10]:
        field = HEADER_FIELD.match(line)
        if field:
            kinds.add(_FIELD_KIND[field.group("name").lower()])
            wrapped = 0
        elif line.strip() and wrapped < 2:  # a long "To:" wraps onto the next line
            wrapped += 1
        else:
            break
    return len(kinds) >= 3 and "from" in kinds and bool(kinds & {"sent", "subject"})


def _without_signatures(own: list[_Line | None]) -> list[_Line | None]:
    """Drop app footers, and the rest of a part of the reply after "-- " or a legal footer."""
    kept: list[_Line | None] = []
    skipping = False
    for line in own:
        if line is None:
            skipping = False
            kept.append(None)
        elif skipping:
            continue
        elif line.code:
            kept.append(line)
        elif SIGNATURE_DELIMITER.match(line.text) or LEGAL_FOOTER.match(line.text):
            skipping = True
        elif not MOBILE_FOOTER.match(LINK_AFTER_WORD.sub("", line.text).strip()):
            kept.append(line)
    return kept


def _without_trailing_rules(own: list[_Line | None]) -> list[_Line | None]:
    """Drop the "*****" or "-----" lines that were drawn above a footer now gone."""
    end = len(own)
    while end and (
        own[end - 1] is None or not own[end - 1].text.strip() or not own[end - 1].code and RULE.match(own[end - 1].text)
    ):
        end -= 1
    return own[:end]


def _without_contact_card(own: list[_Line | None]) -> list[_Line | None]:
    """Drop a contact card that ends the reply, keeping the sign-off and name above it."""
    end = len(own)
    while end and (own[end - 1] is None or not own[end - 1].text.strip()):
        end -= 1
    start = end
    while start and own[start - 1] is not None and own[start - 1].text.strip() and not own[start - 1].code:
        start -= 1  # back to the blank line above the last paragraph
    card = [line.text.strip() for line in own[start:end]]
    if not _is_contact_card(card):
        return own
    if VALEDICTION.match(card[0]):
        keep = 2  # "Best regards," and the name
    else:
        above = [line for line in own[:start] if line is not None and line.text.strip()]
        keep = 1 if above and VALEDICTION.match(above[-1].text.strip()) else 0
    return own[: start + keep]


def _is_contact_card(card: list[str]) -> bool:
    """Tell whether a paragraph is a name, title and phone number rather than sentences."""
    if not 2 <= len(card) <= CARD_MAX_LINES or any(len(line) > 80 for line in card):
        return False
    contacts = [line for line in card if CONTACT_LINE.search(line)]
    has_phone = any(re.search(r"\d[\d\s().\/-]{6,}\d", line) for line in contacts)
    sentences = [
        line
        for line in card
        if line not in contacts and (len(line.split()) > 8 or line.endswith(".") and len(line.split()) > 4)
    ]
    return has_phone and not sentences and not any(line.endswith(("?", "!", ":")) for line in card)
