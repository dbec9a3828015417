"""Multilingual phrase lists for the line classifier.

Each list is a set of regular-expression fragments for one kind of
boilerplate, covering the languages of our sources (en, de, fr, es, it, pt,
nl, pl).  They are compiled once into the named ``Rule`` objects at the
bottom, each with the kind of furniture it removes and a substring pre-check
derived from its fragments.  Fragments describe *kinds* of furniture ("read
also", "sign up for") in the words of many sites, never one site's wording.
"""

from __future__ import annotations

import re

from newsflow.stripping.rules import Rule, alt

# "Read more: <headline>" teasers that interrupt or trail the article.
TEASER_PREFIXES = [
    r"read (?:more|also|next)", r"also read", r"see also", r"related(?: stories| articles?| content)?",
    r"more(?: on this| from| about)?(?: story| stories)?", r"recommended(?: for you)?", r"watch(?: now)?",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested)", r"don'?t miss", r"trending",
    r"lesen sie (?:auch|mehr|hier)", r"auch (?:lesen|interessant)", r"mehr zum thema", r"schon gelesen\??",
    r"weitere (?:artikel|beiträge|themen|informationen zum thema|news)", r"das könnte (?:sie|dich) auch interessieren",
    r"passend dazu", r"siehe auch", r"zum weiterlesen", r"empfohlene (?:artikel|beiträge)",
    r"lea (?:también|más|además)", r"lea", r"le puede interesar", r"te puede interesar", r"puede(?:s)? ver",
    r"vea (?:también|además)", r"mira(?: también)?", r"mire", r"notas? relacionadas?", r"contenido relacionado",
    r"también te puede interesar", r"lee (?:también|más)", r"más sobre", r"relacionad[oa]s?",
    r"à lire (?:aussi|également)", r"lire (?:aussi|également|la suite)", r"voir aussi", r"sur le même sujet",
    r"leggi anche", r"potrebbe interessarti", r"leia (?:também|mais)", r"veja também", r"saiba mais",
    r"lees ook", r"czytaj (?:też|także|więcej)", r"zobacz (?:też|także|również)",
]

# Headings that open a list of other stories: everything after them in the tail goes.
RELATED_HEADINGS = [
    r"related(?: articles?| stories| posts| content| news| reading)?", r"more (?:stories|news|articles|from \S.*)",
    r"you (?:may|might) (?:also )?(?:like|enjoy)", r"recommended(?: for you| stories| articles)?",
    r"most (?:popular|read|viewed)", r"popular (?:stories|posts|articles)", r"trending(?: now)?", r"latest (?:news|stories|posts)",
    r"auch interessant", r"das könnte (?:sie|dich) auch interessieren",
    r"weitere (?:artikel|beiträge|themen|news|meldungen|nachrichten)(?: (?:zum|aus dem) \S+)?", r"empfohlene (?:artikel|beiträge)",
    r"mehr (?:zum thema|themen|artikel|aus \S+)", r"meistgelesen", r"meist-?(?:gelesen|diskutiert)", r"top-?themen.*",
    r"ähnliche (?:artikel|beiträge)", r"lesen sie auch(?: die folgenden beiträge)?", r"auch lesen",
    r"notas relacionadas", r"contenido relacionado", r"noticias relacionadas", r"te puede interesar", r"lo más (?:leído|visto)",
    r"à lire aussi", r"sur le même sujet", r"articles? similaires?", r"les plus lus",
    r"articoli correlati", r"potrebbe interessarti", r"notícias relacionadas", r"leia também", r"veja também",
    r"gerelateerde artikelen", r"czytaj (?:też|także)", r"zobacz (?:też|także)", r"polecane",
    r"load more", r"see all(?: \S+)?", r"show more", r"schon gelesen", r"más sobre .{2,40}", r"mehr aus .{2,40}",
    r"more from .{2,40}", r"plus d'articles", r"dalla stessa categoria", r"read (?:this )?next", r"up next",
    r"what to read next", r"more to read", r"keep reading", r"weiterlesen(?: im thema)?", r"lesen sie weiter",
    r"zum weiterlesen", r"(?:neueste |aktuelle )?beiträge aus (?:dem|der) \w+", r"mehr zum thema(?: .{2,30})?",
    r"\w+(?: et \w+)? sur le (?:même )?sujet",
]

# Headings that only ever close an article: everything after them is other stories.
END_HEADINGS = [
    r"read (?:this )?next", r"what to read next", r"up next", r"more stories", r"more (?:top )?stories from .{2,40}",
    r"you (?:may|might) (?:also )?(?:like|enjoy)", r"recommended for you", r"most (?:popular|read|viewed)",
    r"das könnte (?:sie|dich) auch interessieren", r"meistgelesen(?:e artikel)?", r"lo más (?:leído|visto)",
    r"les plus lus", r"i più letti", r"mais lidas", r"najczęściej czytane",
]

# Weaker headings: only in the tail, where they open a block of links, contacts or credits.
TAIL_HEADINGS = [
    r"weitere .{3,50}", r"mehr .{3,40}", r"more .{3,40}", r"other .{3,40}", r"otr[oa]s .{3,40}", r"autres .{3,40}",
    r"altri .{3,40}", r"outr[oa]s .{3,40}", r"(?:press(?:e)?-?)?kontakt(?:e)?", r"contact(?:o|s)?(?: us)?", r"about (?:the )?authors?",
    r"über (?:den|die) autor(?:in)?", r"zur person", r"original ?publi\w+", r"quellen?(?:angaben)?",
    r"sources?", r"links?", r"downloads?", r"zusatzinformationen", r"informationen", r"teilnehmende .{3,30}",
    r"(?:e-mail|telefon|phone|tel|fax)\.?", r"share(?: this)?", r"teilen", r"anzeige", r"advertisement",
    r"our (?:services|products|partners|sponsors|team|locations)", r"unsere (?:leistungen|produkte|partner|standorte)",
    r"nuestros (?:servicios|productos)", r"nos (?:services|produits|partenaires)", r"i nostri (?:servizi|prodotti)",
    r"nossos (?:serviços|produtos)",
    r"tags?", r"temas", r"themen", r"schlagw[öo]rter", r"topics", r"etiquetas", r"mots-clés", r"argomenti",
    # a pitch question over the site's offer: "Ready to get started?", "Want to learn more?", "Need help?"
    r"(?:ready|want|need|looking|interested|curious)\b.{0,60}\?",
    # a sponsor or partner line: "Sponsored by ...", "In partnership with ...", "Unterstützt von ..."
    r"(?:sponsored|supported|presented|powered|brought to you|made possible) by\b.{0,40}", r"proudly (?:supporting|supported|sponsored)\b.{0,40}",
    r"in (?:partnership|association|collaboration|cooperation) with\b.{0,40}", r"(?:unterstützt|gefördert|präsentiert) (?:von|durch)\b.{0,40}",
    r"in (?:zusammenarbeit|kooperation) mit\b.{0,40}", r"en (?:partenariat|collaboration) avec\b.{0,40}", r"patrocinado por\b.{0,40}",
]

# Newsletter, subscription, app, social and paywall prompts.
PROMPT_WORDS = [
    r"newsletter", r"sign(?:ing)? up\b", r"\bsubscri(?:be|ption|ber)", r"follow (?:us|(?:\S+ ){1,4}on (?:twitter|facebook|instagram|x|linkedin|tiktok|youtube|telegram|social))",
    r"join (?:our|us)\b", r"join the (?:conversation|discussion|community|club|mailing|facebook)", r"download (?:the|our)\b.*\bapps?\b", r"\bget the\b.*\bapp\b", r"click here", r"log ?in\b.*\baccess",
    r"share (?:this|on)\b", r"like us on", r"we want to hear", r"support (?:our|us|independent)", r"sign in\b",
    r"abonnieren", r"abonnement", r"abonniere", r"melden sie sich", r"zum newsletter", r"folgen sie uns", r"folge uns",
    r"jetzt (?:kostenlos )?(?:anmelden|registrieren|abonnieren|testen|lesen)", r"nicht eingeloggt", r"^unterstütze",
    r"suscr[íi]b", r"s[íi]guenos", r"[úu]nete", r"hazte (?:miembro|socio)", r"canal de (?:telegram|whatsapp|youtube)",
    r"abonnez", r"inscrivez", r"suivez-nous", r"pour (?:lire|accéder)", r"iscriviti", r"seguici", r"assine", r"inscreva",
    r"subskrypcj", r"zapraszamy do", r"obserwuj", r"(?:telegram|whatsapp|youtube)[- ]?(?:kanal|channel|canal)",
]

# Leading labels of a photo/illustration credit.
CREDIT_PREFIXES = [
    r"photo(?:s|graph)?(?: credit)?", r"image(?: credit| source)?", r"credits?(?: photos?)?", r"crédits? photos?",
    r"foto(?:s|grafie)?", r"bild(?:quelle)?", r"titelbild", r"beitragsbild", r"header-?bild", r"quelle bild", r"picture",
    r"illustration", r"fotograf[ií]a", r"imagen", r"cr[ée]dito", r"image illustrative",
]

# Agencies and stock libraries that appear alone as a credit line.
AGENCIES = [
    r"getty(?: images)?", r"ap(?: photo)?", r"afp", r"reuters", r"dpa", r"epa", r"efe", r"ansa", r"istock(?:photo)?",
    r"shutterstock", r"imago(?: images)?", r"picture[- ]alliance", r"adobe ?stock", r"unsplash", r"pixabay", r"keystone",
    r"pap", r"bestimage", r"sipa", r"abaca", r"xinhua", r"anadolu", r"kna", r"epd", r"ddp",
]

SOURCE_PREFIXES = [r"source", r"sources", r"quelle(?:n|nangaben)?", r"fuente", r"fonte", r"źródło", r"bron"]

RESERVATIONS = [
    r"all rights reserved", r"alle rechte vorbehalten", r"todos los derechos reservados", r"tous droits réservés",
    r"tutti i diritti riservati", r"todos os direitos reservados", r"wszelkie prawa zastrzeżone",
]
COPYRIGHTS = [r"©", r"\(c\)\s*\d{4}", r"(?<![-\w])copyright\b", *RESERVATIONS, r"written permission", r"nachdruck (?:nur|verboten)"]

READING_TIMES = [
    r"\d+\s*(?:min(?:ute)?s?\.?|minuten)\s*(?:read|lesezeit|de lectura|de lecture|di lettura|de leitura|czytania)",
    r"(?:lesezeit|reading time|lesedauer|temps de lecture|tiempo de lectura|tempo de leitura|czas czytania)\s*:?\s*(?:ca\.?\s*)?\d+",
    r"\d+\s*min(?:ute)?s? read",
]

TIMESTAMP_LABELS = [
    r"updated(?: at| on)?", r"published(?: at| on)?", r"posted(?: at| on)?", r"last (?:updated|modified)", r"modified",
    r"aktualisiert(?: am)?", r"veröffentlicht(?: am)?", r"erstellt(?: am)?", r"stand", r"letzte änderung", r"zuletzt aktualisiert",
    r"actualizado(?: el)?", r"publicado(?: el)?", r"mis à jour(?: le)?", r"publié(?: le)?", r"aggiornato(?: il)?",
    r"pubblicato(?: il)?", r"atualizado(?: em)?", r"aktualizacja", r"release date", r"datum", r"date", r"fecha",
]

# Short interface words that are never article text on their own line.
UI_LINES = [
    r"share(?: this(?: article| story| post)?)?", r"teilen(?: mit)?", r"compartir", r"partager", r"condividi", r"compartilhe",
    r"tweet", r"print", r"drucken", r"e-?mail", r"comments?", r"kommentare?", r"view comments", r"keine kommentare",
    r"\d+ (?:comments?|kommentare?)", r"(?:leave|add|post|write) a (?:comment|reply)",
    r"kommentar (?:schreiben|hinzufügen|verfassen)", r"(?:deja|dejar|escribe|añadir) un comentario",
    r"(?:laisser|ajouter|écrire) un commentaire", r"(?:lascia|scrivi) un commento", r"(?:deixe|escreva) um comentário",
    r"(?:dodaj|napisz) komentarz", r"back to (?:top|blog|home)",
    r"home", r"startseite", r"menu", r"menü", r"loading\.*", r"wird geladen\.*", r"bild anzeigen", r"bewerten", r"advertisement",
    r"anzeige", r"werbung", r"publicidad", r"publicité", r"pubblicità", r"sponsored", r"listen to (?:this )?article",
    r"artikel (?:anhören|vorlesen)", r"zurück(?: zur übersicht)?", r"weiterlesen", r"mehr lesen", r"read more", r"leer más",
    r"lire la suite", r"continue reading", r"inhaltsverzeichnis", r"table of contents", r"pdf", r"video", r"audio",
    r"(?:previous|next) (?:article|post|story)", r"(?:vorheriger|nächster) (?:artikel|beitrag)", r"mehr", r"more",
]

# Button labels of a landing page or a shop, alone on their line ("Get started", "Book a demo").
BUTTONS = [
    r"get started(?: (?:now|today|for free))?", r"get (?:a|your) (?:free )?(?:demo|quote|trial|consultation)",
    r"(?:book|schedule|request|get) (?:a |your )?(?:free |personali[sz]ed )?(?:demo|call|meeting|consultation|appointment|quote|callback)",
    r"request (?:more )?info(?:rmation)?", r"learn more", r"find out more", r"contact us(?: (?:today|now))?", r"get in touch",
    r"start (?:your |a )?free trial", r"try (?:it )?(?:for )?free", r"sign up(?: (?:now|free|today|for free))?",
    r"(?:download|shop|buy|order|apply|register|subscribe|join|donate) (?:now|today)", r"talk to (?:an? )?(?:expert|sales|us)",
    r"see (?:all )?(?:plans|pricing|packages|deals|offers)", r"(?:view|see|check) (?:the )?(?:deal|price|prices|availability)",
    r"view on \w+", r"mehr erfahren", r"jetzt (?:kaufen|bestellen|buchen|entdecken|starten|anfragen)", r"kontakt aufnehmen",
    r"en savoir plus", r"(?:más|mas) información", r"saber más", r"scopri di più", r"dowiedz się więcej",
]

# "Tags:", "Filed under", "Category:" lines listing labels.
TAG_PREFIXES = [
    r"tags?", r"filed under", r"categor(?:y|ies)", r"kategorien?", r"schlagworte?", r"schlagwörter", r"themen", r"topics",
    r"temas", r"etiquetas", r"étiquettes", r"mots-clés", r"argomenti", r"tópicos", r"tagi", r"keywords",
]

# Calls to action strong enough to remove even inside the article (short lines only).
STRONG_CTAS = [
    r"(?:please )?subscribe (?:to|now|today|for)", r"sign up (?:for|to|now|here|today)", r"already a subscriber",
    r"(?:our|unser\w*|notre|nos|nuestr[oa]s?|nostr[aeio]|noss[oa]s?|nasz\w*|onze|the|free|daily|weekly|\w['’]s)(?: \w+){0,3} newsletters?",
    r"newsletters?\W+(?:\w+ ){0,3}(?:sign|subscri|abonn|anmeld|inscri|suscri|iscri)", r"(?:delivered|straight|directly|sent) (?:to|into) your inbox",
    r"log ?in (?:to|for|here)", r"follow us", r"click here", r"download (?:the|our) (?:\S+ )?app", r"get the .{0,30}\bapp\b",
    r"jetzt (?:kostenlos )?(?:abonnieren|anmelden|registrieren)", r"abonnieren sie", r"melden? (?:sie sich|dich)", r"hier klicken",
    r"klicken sie (?:hier|auf)", r"suscr[íi]bete", r"s[íi]guenos", r"[úu]nete", r"abonnez-vous", r"inscrivez-vous",
    r"iscriviti", r"assine", r"zapraszamy do", r"(?:telegram|whatsapp|youtube)[- ]?(?:kanal|channel|canal)",
    r"teile (?:diesen|den) (?:artikel|beitrag)", r"share this (?:article|story|post)",
    r"follow (?:\S+ ){1,4}on (?:twitter|facebook|instagram|linkedin|tiktok|youtube|telegram)",
    r"(?:eingeloggt|angemeldet|registriert) sein", r"um (?:einen )?kommentare? zu (?:schreiben|verfassen)",
    r"(?:to|must be logged in to) (?:post|leave|write) a comment",
    r"by (?:signing up|subscribing|registering),? you agree",
]

# Author bios that trail an article ("Jane Doe is a reporter covering ...", "Hi, I'm Jane").
_ROLE = (r"(?:writer|editor|journalist|reporter|author|correspondent|columnist|contributor|founder|freelancer?|"
         r"redakteur(?:in)?|autor(?:in)?|journalist(?:in)?|periodista|journaliste|giornalista|jornalista|"
         r"head of|professor(?:in)?|consultant|berater(?:in)?|experte|expert|blogger(?:in)?|editor-in-chief)")
BIOS = [
    r"(?:about the author:?\s*)?[A-ZÄÖÜ][\w.'’-]+(?: [A-ZÄÖÜ][\w.'’-]+){0,3},? (?:is|was|ist|war|es|est|è|é|jest) "
    rf"(?:.{{0,80}}?)\b{_ROLE}",
    r"(?:hi|hello|hallo|hola|salut),? (?:i['’]m|i am|ich bin|soy|je suis)\b",
    rf"{_ROLE} (?:in|bei|at|for|für|de|du|di)\b",
]

# Affiliate and advertising disclosures.
DISCLOSURES = [
    r"(?:this|our) (?:post|article|page) (?:contains|may contain)", r"affiliate", r"disclosure", r"we may earn",
    r"enthält (?:werbung|affiliate)",
    r"werbung\.", r"\*werbung", r"anzeige[,:]",
]


# Each rule below names the kind of furniture it removes; anchored rules (``match``) ignore case,
# the unanchored ones (``search``) read lower-cased text and carry a pre-check derived from their
# fragments (``rules.required_literals``).
_I = re.IGNORECASE
_EDGE = r"^\W{0,3}"  # a line may open with a bullet, a dash or a quote mark
_HEADING_END = r"\s*[:?!.]?\s*$"

TEASER = Rule("related-teaser: 'Read more: <headline>'", TEASER_PREFIXES, _EDGE, r"\s*(?:[:>»|]|\s[-–—]\s)\s*\S", _I)
ARROW_TEASER = Rule("related-teaser: a short link line led by an arrow", [r">>(?!>)", "→", "►", "▶", "➤"],
                    r"^\s*", r"\s*\S.{0,150}$", _I)
END_HEADING = Rule("related-teaser: a heading that only ever closes an article", END_HEADINGS, _EDGE, _HEADING_END, _I)
TAIL_HEADING = Rule("tail heading: opens links, contacts or credits", TAIL_HEADINGS, _EDGE, _HEADING_END, _I)
RELATED_HEADING = Rule("related-teaser: a heading over other stories", RELATED_HEADINGS, _EDGE, _HEADING_END, _I)
STRONG_CTA = Rule("call-to-action: strong enough inside the article", STRONG_CTAS)
BREADCRUMB = Rule("breadcrumb", [r"home", r"startseite", r"start", r"inicio", r"portada", r"accueil", r"home page"],
                  _EDGE, r"\s*[/>»›|]", _I)
PROMPT = Rule("newsletter/app/social/paywall prompt", PROMPT_WORDS)
CREDIT_PREFIX = Rule("photo-credit: 'Photo: ...'", CREDIT_PREFIXES, r"^[(\[]?\s*", r"\s*(?:[:©/|]|\s©)", _I)
CREDIT_BY = Rule("photo-credit: 'Image by ...'", [
    r"(?:feature[d]? |header |cover |top |hero |lead )?(?:image|photo|picture|illustration)s? (?:by|via|courtesy)\b",
], "^", "", _I)
# "Abbildung 4: ...", "Figure 2. ...", and captions ending in their credit "(Foto: X/Agency)".
CAPTION = Rule("caption", [
    r"^(?:abbildung|abb\.|figure|fig\.|bild|grafik|imagen|figura|illustration|rysunek)\s*\d+\s*[:.]\s*\S",
    r"\((?:foto|photo|bild|image|fotos|photos|credit|crédit|imagen|foto:)\s*:?[^()]{2,80}\)\s*$",
], flags=_I)
BIO = Rule("author-bio", BIOS, "^", "", _I)
ROLE = Rule("author-bio: a short line naming a role", [_ROLE], r"\b", r"\b")
CONTACT = Rule("contact", [r"e-?mail", r"tel(?:efon|ephone)?", r"phone", r"fax", r"kontakt", r"contact", r"mobil"],
               r"^\W{0,2}", r"\.?\s*:\s*\S", _I)
AGENCY = Rule("photo-credit: an agency named alone", AGENCIES)
SOURCE = Rule("source-line", SOURCE_PREFIXES, r"^\W{0,2}", r"\s*:", _I)
COPYRIGHT = Rule("copyright", COPYRIGHTS)
READING_TIME = Rule("reading-time", READING_TIMES, _EDGE, r"\W*(?:min\w*)?\W*$", _I)
TIMESTAMP_LABEL = Rule("timestamp label", TIMESTAMP_LABELS, _EDGE, r"\s*:?", _I)
UI_LINE = Rule("interface", UI_LINES, _EDGE, r"\W{0,3}$", _I)
BUTTON = Rule("call-to-action: a button label alone", BUTTONS, _EDGE, r"\W{0,3}$", _I)
# A blog template's post line: "Posted by Ann at 11:15 AM", "Published on 3 May 2024 by Ann" (the caller
# also asks for a dated line: "Posted by a reader who ..." or "Published by Mariner Books" is text).
POST_META = Rule("byline: a post's author-and-date line", [
    r"posted", r"published", r"written", r"submitted", r"geschrieben", r"veröffentlicht",
    r"publicado", r"escrito", r"publié", r"écrit", r"pubblicato", r"scritto", r"opublikowano", r"napisał(?:a)?",
], _EDGE, r"\b.{0,40}?\b(?:by|von|por|par|da|di|przez)\s+\S", _I)
TAG_LINE = Rule("tags", TAG_PREFIXES, _EDGE, r"\s*[:|]?\s", _I)
DISCLOSURE = Rule("disclosure", DISCLOSURES)
# Unmistakable furniture even in a long line: copyright, a direct call to action, an ad disclosure.
FURNITURE = Rule("copyright, call-to-action or disclosure", COPYRIGHTS + STRONG_CTAS + DISCLOSURES)
# Segment rules: furniture glued to a paragraph's first or last sentence (``segments.py``).
COPYRIGHT_NOTICE = Rule("copyright: a notice opening with the sign, the word and a year, or the reservation",
                        [r"©", r"\(c\)\s*\d{4}", r"copyright\s*(?:©|\(c\)|\d{4})", *RESERVATIONS], r"^\W{0,2}", "", _I)
AGENCY_CREDIT = Rule("photo-credit: an agency, alone or after a photographer's name", [
    rf"{alt(AGENCIES)}\b[\w .'/-]{{0,30}}$", rf"[\w .'-]{{2,40}}/\s*{alt(AGENCIES)}\W*$",
], r"^\W*", "", _I)
RULES = (TEASER, ARROW_TEASER, END_HEADING, TAIL_HEADING, RELATED_HEADING, STRONG_CTA, BREADCRUMB, PROMPT,
         CREDIT_PREFIX, CREDIT_BY, CAPTION, BIO, ROLE, CONTACT, AGENCY, SOURCE, COPYRIGHT, READING_TIME,
         TIMESTAMP_LABEL, UI_LINE, BUTTON, TAG_LINE, DISCLOSURE, FURNITURE, COPYRIGHT_NOTICE, AGENCY_CREDIT)
