"""The marks of what in a reply is not the mentor's own, as patterns: the line above a quote
("On ... wrote:"), forward blocks and header fields, the signature delimiter, app and legal
footers, sign-offs, contact cards, rules, quoted lines and code fences. reply_text and
reply_html use them.
"""

from __future__ import annotations

import re

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
FIELD_KIND = {name.lower(): kind for kind, names in HEADER_FIELDS.items() for name in names}
# "From:", "*From:*" (Gmail's text of bold), "De :" (French puts a space before the colon); an
# indented block is the mentor's example, not a header.
HEADER_FIELD = re.compile(
    r"^ {0,3}\*?(?P<name>" + "|".join(sorted(FIELD_KIND, key=len, reverse=True)) + r")\*?\s?:\*?(?:\s|$)", re.I
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


def is_attribution(line: str) -> bool:
    """Tell whether a line is the one a client puts above the quoted original."""
    line = " ".join(line.split())
    return len(line) <= 300 and bool(re.search(r"[\d@]", line)) and bool(ATTRIBUTION.match(line))
