"""Boilerplate stripping: HTML or plain text in, a ``CleanArticle`` out (broker-free, pure Python).

Modules, one concern each:

* ``html``        -- parse once, trafilatura on the tree, lead/deck restore, captions
* ``metadata``    -- author, date and tags (trafilatura's metadata XPaths as element tests)
* ``lines``       -- the line classifier (head/body/tail zones, a reason per removal)
* ``lexicon``     -- multilingual phrase lists the classifier uses
* ``rules``       -- ``Rule``: one kind of furniture, its regex and the pre-check derived from it
* ``text``        -- plain-text path; captions, credits and tags out of the body
* ``site_memory`` -- lines a site repeats in most articles, learnt per site
* ``strip``       -- ``strip_boilerplate`` itself
"""

from newsflow.stripping.site_memory import SiteBoilerplateMemory
from newsflow.stripping.strip import STRIPPER_VERSION, html_to_text, strip_boilerplate

__all__ = ["STRIPPER_VERSION", "SiteBoilerplateMemory", "html_to_text", "strip_boilerplate"]
